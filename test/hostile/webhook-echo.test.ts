/**
 * A Slack endpoint that echoes the webhook's path in its error: the path (the secret part of
 * the URL) appears in no output and in no file the product stores.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, wrapped } from '../support/helpers.js';

const SECRET_SEGMENT = 'XyZsecretHookPath0123456789';

describe('a webhook endpoint that echoes its path', () => {
  let url: string;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`no_service: nothing at ${req.url} (try ${encodeURIComponent(req.url ?? '')})`);
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0000/B0000/${SECRET_SEGMENT}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is redacted from `notify test` and from the run records and outbox', async () => {
    const dir = await tempDir();
    const env = { WRAPPED_HOME: join(dir, 'home'), SLACK_WEBHOOK_URL: url };
    const sent = await wrapped(['notify', 'test'], { env });
    assert.equal(sent.code, 1);
    assert.match(sent.stdout, /Not sent: the webhook answered 404 no_service/);
    assert.doesNotMatch(sent.stdout + sent.stderr, new RegExp(SECRET_SEGMENT));

    // A run without a login fails, opens an incident and tries to alert: the delivery fails.
    const run = await wrapped(['run', '--json'], { env });
    assert.notEqual(run.code, 0);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(SECRET_SEGMENT));
    const record = JSON.parse(run.stdout);
    assert.match(record.notifications.error, /404 no_service/);
    const files = (await readdir(env.WRAPPED_HOME, { recursive: true })).map((f) =>
      join(env.WRAPPED_HOME, f),
    );
    let read = 0;
    for (const file of files) {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      read++;
      assert.doesNotMatch(text, new RegExp(SECRET_SEGMENT), file);
    }
    assert.ok(read > 2, 'the run record and the outbox were read');
  });
});
