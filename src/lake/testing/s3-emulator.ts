/**
 * An S3 emulator for tests: fauxqs (npm; 1.x, the last line that runs on Node 20), in this
 * process, on 127.0.0.1 and a free port, path-style. It is the best S3 stand-in that installs
 * here (no MinIO, LocalStack or Docker), and it has limits the lake contract names as skips:
 * - it ignores `If-None-Match: *`, so create-only writes cannot be refused there;
 * - it lists keys in locale order ("a" < "Z" < "ñ"), not S3's UTF-8 byte order, and its
 *   continuation tokens then skip keys that sort differently in the two orders;
 * - it checks no signature, so wrong credentials cannot be shown to fail.
 * What those skips leave unproven is covered against a strict proxy (see s3.test.ts).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';

export const S3_TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test-secret' };

export interface S3Emulator {
  endpoint: string;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3Emulator(): Promise<S3Emulator> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
  });
  return {
    endpoint,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
