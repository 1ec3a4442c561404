import assert from 'node:assert/strict';
import type { ContainerClient } from '@azure/storage-blob';
import { queryRows } from './helpers.js';

/** Every blob under `prefix`, with its bytes as latin1 text (so any byte sequence can be searched). */
export async function readBlobs(
  container: ContainerClient,
  prefix: string,
): Promise<Array<{ name: string; text: string }>> {
  const all: Array<{ name: string; text: string }> = [];
  for await (const blob of container.listBlobsFlat({ prefix }))
    all.push({
      name: blob.name,
      text: (await container.getBlobClient(blob.name).downloadToBuffer()).toString('latin1'),
    });
  return all;
}

/** Fails naming the blob when any of `secrets` occurs in any blob. */
export function assertNoSecretIn(
  blobs: ReadonlyArray<{ name: string; text: string }>,
  secrets: readonly string[],
): void {
  for (const blob of blobs)
    for (const secret of secrets)
      assert.ok(!blob.text.includes(secret), `${blob.name} holds a secret`);
}

/** silver.fct_play, read through the CLI with `env`, has plays and none of them twice. */
export async function assertPlaysOnce(env: Record<string, string>): Promise<void> {
  const [plays] = await queryRows(
    'SELECT count(*) AS n, count(DISTINCT play_id) AS distinct_plays FROM silver.fct_play',
    env,
  );
  assert.ok(Number(plays?.n) > 0);
  assert.equal(plays?.n, plays?.distinct_plays);
}
