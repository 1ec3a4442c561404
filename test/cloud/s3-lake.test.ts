/**
 * The pipeline on a lake in an S3 bucket (the fauxqs emulator on 127.0.0.1): import and
 * transform from one HOME, the same recap from a second, empty HOME, and wrong settings that
 * exit 2 naming them. Credentials come from the AWS SDK's chain (here, the environment).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  S3_TEST_CREDENTIALS,
  type S3Emulator,
  startS3Emulator,
} from '../../src/lake/testing/s3-emulator.js';
import { type StrictProxy, startStrictProxy } from '../../src/lake/testing/s3-strict-proxy.js';
import { queryRows, REPO, tempDir, wrapped } from '../support/helpers.js';

const SAMPLE = join(REPO, '..', 'shared', 'samples', 'extended-2026-a');

describe('an S3 lake (fauxqs), end to end', () => {
  let s3: S3Emulator;
  let proxy: StrictProxy;
  const env = (home: string, extra: Record<string, string> = {}) => ({
    WRAPPED_HOME: home,
    WRAPPED_LAKE: 's3://lake/wrapped',
    WRAPPED_TIMEZONE: 'UTC',
    WRAPPED_S3_ENDPOINT: s3.endpoint,
    WRAPPED_S3_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    ...extra,
  });
  before(async () => {
    s3 = await startS3Emulator();
    await s3.createBucket('lake');
    proxy = await startStrictProxy(s3.endpoint, S3_TEST_CREDENTIALS.accessKeyId);
  });
  after(async () => {
    await proxy?.close();
    await s3?.stop();
  });

  it('import and transform publish Parquet in the bucket; a second HOME reads the same recap', async () => {
    const env1 = env(await tempDir());
    const imported = await wrapped(['import', SAMPLE], { env: env1 });
    assert.equal(imported.code, 0, imported.stderr);
    const built = await wrapped(['transform'], { env: env1 });
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /Lake s3:\/\/lake\/wrapped: pulled \d+ files, pushed \d+/);

    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3_TEST_CREDENTIALS,
    });
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'wrapped/gold/wrapped_year/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    assert.ok(keys.includes('wrapped/gold/wrapped_year/_manifest.json'), keys.join('\n'));
    assert.ok(keys.some((k) => k?.endsWith('.parquet')));
    client.destroy();

    const env2 = env(await tempDir());
    const [first, second] = [
      await wrapped(['recap', '--json'], { env: env1 }),
      await wrapped(['recap', '--json'], { env: env2 }),
    ];
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout));
    const sql = 'SELECT count(*) AS n, sum(ms_played) AS ms FROM silver.fct_play';
    assert.deepEqual(await queryRows(sql, env2), await queryRows(sql, env1));
    // No SDK notice or other noise on stderr of a successful read.
    assert.equal(second.stderr.includes('NodeVersionSupportWarning'), false, second.stderr);
  });

  it('a missing bucket and a wrong key exit 2 naming the setting, without the secret', async () => {
    const missing = await wrapped(['recap'], {
      env: env(await tempDir(), { WRAPPED_LAKE: 's3://no-such-bucket/x' }),
    });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /bucket "no-such-bucket".*does not exist/);
    assert.match(missing.stderr, /WRAPPED_LAKE/);

    const secret = 'a-wrong-secret-access-key-value';
    const wrongKey = await wrapped(['recap'], {
      env: env(await tempDir(), {
        WRAPPED_S3_ENDPOINT: proxy.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAWRONGKEY',
        AWS_SECRET_ACCESS_KEY: secret,
      }),
    });
    assert.equal(wrongKey.code, 2, wrongKey.stderr);
    assert.match(wrongKey.stderr, /403 InvalidAccessKeyId/);
    assert.match(wrongKey.stderr, /AWS_ACCESS_KEY_ID/);
    for (const out of [missing, wrongKey])
      assert.ok(!`${out.stdout}${out.stderr}`.includes(secret));

    const doctor = await wrapped(['doctor'], { env: env(await tempDir()) });
    assert.match(doctor.stdout, /✓ lake {6}s3:\/\/lake\/wrapped \(read, write, list ok\)/);
  });
});
