import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, LakeConflictError } from '../../errors.js';
import { lakeContract } from '../testing/contract.js';
import { S3_TEST_CREDENTIALS, type S3Emulator, startS3Emulator } from '../testing/s3-emulator.js';
import { startStrictProxy } from '../testing/s3-strict-proxy.js';
import { S3Lake, type S3LakeOptions } from './s3.js';

let emulator: Promise<S3Emulator> | undefined;
const s3 = () => {
  emulator ??= startS3Emulator();
  return emulator;
};
after(async () => {
  if (emulator) await (await emulator).stop();
});

async function freshBucket(prefix: string): Promise<S3LakeOptions> {
  const { endpoint, createBucket } = await s3();
  const bucket = `lake-${randomBytes(6).toString('hex')}`;
  await createBucket(bucket);
  return {
    url: `s3://${bucket}/${prefix}`,
    bucket,
    prefix,
    endpoint,
    pathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
  };
}

lakeContract('S3 (fauxqs emulator)', {
  async create() {
    return { lake: new S3Lake(await freshBucket('wrapped/me')) };
  },
  childWriter: (lake) => ({
    module: fileURLToPath(new URL('../testing/s3-factory.ts', import.meta.url)),
    options: (lake as S3Lake).options,
  }),
  skip: {
    createOnly: 'fauxqs ignores If-None-Match: * (checked against a strict proxy in s3.test.ts)',
    concurrentCreateOnly: 'fauxqs ignores If-None-Match: *, so racing writers cannot be refused',
    ifMatch: 'fauxqs ignores If-Match (checked against a strict proxy in s3.test.ts)',
    concurrentIfMatch: 'fauxqs ignores If-Match, so racing updaters cannot be refused',
    byteOrder: 'fauxqs lists in locale order ("a" < "Z" < "ñ"), not S3\'s byte order',
  },
});

describe('S3 driver specifics', () => {
  it('a missing bucket is a configuration error that says how to create it', async () => {
    const { endpoint } = await s3();
    const lake = new S3Lake({
      url: 's3://nope/x',
      bucket: 'nope',
      prefix: 'x',
      endpoint,
      pathStyle: true,
      credentials: S3_TEST_CREDENTIALS,
    });
    for (const op of [
      () => lake.put('raw/x.json', '{}'),
      () => lake.get('raw/x.json'),
      async () => {
        for await (const _ of lake.list('raw/')) break;
      },
    ]) {
      const error = await op().catch((e: Error) => e);
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /bucket "nope".*does not exist/);
      assert.match(String(error.hint), /aws s3 mb s3:\/\/nope/);
    }
  });
});

describe('S3 driver against a strict proxy (what the emulator does not check)', () => {
  it('create-only writes send If-None-Match on PutObject and CompleteMultipartUpload; 412 is a conflict', async () => {
    const options = await freshBucket('strict');
    const proxy = await startStrictProxy(
      options.endpoint as string,
      S3_TEST_CREDENTIALS.accessKeyId,
    );
    try {
      const lake = new S3Lake({ ...options, endpoint: proxy.endpoint });
      await lake.put('raw/once.json', 'first', { createOnly: true });
      await assert.rejects(
        lake.put('raw/once.json', 'second', { createOnly: true }),
        LakeConflictError,
      );
      assert.equal((await lake.get('raw/once.json')).toString(), 'first');
      // Larger than one request: a multipart upload, refused when it completes.
      const big = () =>
        Readable.from(Array.from({ length: 40 }, (_, i) => Buffer.alloc(1024 * 1024, i)));
      await lake.put('raw/big.bin', big(), { createOnly: true });
      await assert.rejects(lake.put('raw/big.bin', big(), { createOnly: true }), LakeConflictError);
      assert.equal((await lake.get('raw/big.bin')).length, 40 * 1024 * 1024);
      assert.deepEqual(proxy.conditional, [
        `PUT /${options.bucket}/strict/raw/once.json`,
        `PUT /${options.bucket}/strict/raw/once.json`,
        `COMPLETE /${options.bucket}/strict/raw/big.bin`,
        `COMPLETE /${options.bucket}/strict/raw/big.bin`,
      ]);
      // A plain put replaces, and sends no condition.
      await lake.put('raw/once.json', 'replaced');
      assert.equal((await lake.get('raw/once.json')).toString(), 'replaced');
      assert.equal(proxy.conditional.length, 4);
    } finally {
      await proxy.close();
    }
  });

  it('conditional replaces send If-Match with the ETag read; a changed object is a conflict', async () => {
    const options = await freshBucket('strict-match');
    const proxy = await startStrictProxy(
      options.endpoint as string,
      S3_TEST_CREDENTIALS.accessKeyId,
    );
    try {
      const lake = new S3Lake({ ...options, endpoint: proxy.endpoint });
      await lake.put('state/cursor.json', 'v1');
      const v1 = (await lake.getVersioned('state/cursor.json'))?.version as string;
      assert.match(v1, /^"[0-9a-f]+"$/, 'an S3 ETag');
      await lake.put('state/cursor.json', 'v2', { ifMatch: v1 });
      await assert.rejects(lake.put('state/cursor.json', 'v3', { ifMatch: v1 }), LakeConflictError);
      await assert.rejects(lake.put('state/gone.json', 'x', { ifMatch: v1 }), LakeConflictError);
      assert.equal((await lake.get('state/cursor.json')).toString(), 'v2');
      const key = `/${options.bucket}/strict-match/state`;
      assert.deepEqual(proxy.conditional, [
        `PUT IF-MATCH ${key}/cursor.json`,
        `PUT IF-MATCH ${key}/cursor.json`,
        `PUT IF-MATCH ${key}/gone.json`,
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('a wrong access key is a configuration error naming the settings, without the secret', async () => {
    const options = await freshBucket('');
    const proxy = await startStrictProxy(
      options.endpoint as string,
      S3_TEST_CREDENTIALS.accessKeyId,
    );
    try {
      const secret = 'wrong-secret-value-1234';
      const lake = new S3Lake({
        ...options,
        endpoint: proxy.endpoint,
        credentials: { accessKeyId: 'AKIAWRONG', secretAccessKey: secret },
      });
      const error = await lake.put('raw/x.json', '{}').catch((e: Error) => e);
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /403 InvalidAccessKeyId/);
      assert.match(String(error.hint), /AWS_ACCESS_KEY_ID/);
      assert.ok(!`${error.message}${error.hint}`.includes(secret));
    } finally {
      await proxy.close();
    }
  });
});
