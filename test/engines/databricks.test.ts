/**
 * The Databricks engine up to the workspace: settings, where it finds the lake, how it signs in
 * (personal access token, or OAuth machine to machine), and what a user sees when the
 * workspace refuses. The workspace here is a STAND-IN: a local HTTP server that answers the
 * OAuth token endpoint and refuses the SQL warehouse's Thrift endpoint, recording what it was
 * sent. The lake is Azurite. A build on a live SQL warehouse is databricks-live.test.ts, which
 * runs only when a workspace is configured. The build itself, over a lake reached only through
 * its driver as Databricks builds ADLS, runs on real Spark in spark.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from '../../src/lake/testing/azurite.js';
import { databricksLakeUrl } from '../../src/warehouse/engines/databricks/connect.js';
import { tempDir, wrapped } from '../support/helpers.js';

const HTTP_PATH = '/sql/1.0/warehouses/abc123';
const TOKEN = 'dapi-secret-token-123';
const CLIENT_SECRET = 'dose-client-secret-456';

interface Seen {
  path: string;
  authorization: string;
  body: string;
}

/** A stand-in workspace: OAuth token endpoint for one client; every Thrift call refused. */
async function standInWorkspace(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  };
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const authorization = req.headers.authorization ?? '';
    seen.push({ path: req.url ?? '', authorization, body: req.url === HTTP_PATH ? '' : body });
    if (req.method === 'POST' && req.url === '/oidc/v1/token') {
      const expected = `Basic ${Buffer.from(`sp-client:${CLIENT_SECRET}`).toString('base64')}`;
      if (authorization !== expected || !/grant_type=client_credentials/.test(body)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_client"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"oauth-access-1","token_type":"Bearer","expires_in":3600}');
      return;
    }
    res.writeHead(req.url === HTTP_PATH ? 401 : 404);
    res.end('Unauthorized');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

describe('the databricks engine, against a stand-in workspace and an Azurite lake', () => {
  let azurite: Azurite;
  let workspace: Awaited<ReturnType<typeof standInWorkspace>>;
  const env = async (extra: Record<string, string>) => ({
    WRAPPED_HOME: join(await tempDir(), 'home'),
    WRAPPED_LAKE: 'az://lake/wrapped',
    WRAPPED_TIMEZONE: 'UTC',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT,
    DATABRICKS_HOST: workspace.url,
    DATABRICKS_HTTP_PATH: HTTP_PATH,
    ...extra,
  });

  before(async () => {
    azurite = await startAzurite();
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient('lake')
      .create();
    workspace = await standInWorkspace();
  });
  after(async () => {
    workspace?.server.close();
    await azurite?.stop();
  });

  it('a refused token: one line saying so, the token never shown, the failure recorded', async () => {
    const vars = await env({ DATABRICKS_TOKEN: TOKEN });
    const result = await wrapped(['transform', '--engine', 'databricks'], { env: vars });
    assert.equal(result.code, 1, result.stderr);
    const [message] = result.stderr.split('\n');
    assert.match(
      message ?? '',
      /^error: Databricks at http:\/\/127\.0\.0\.1:\d+\/sql\/1\.0\/warehouses\/abc123 did not open a session: it refused the credentials\.$/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(TOKEN));
    // The warehouse was asked with the token as Databricks' drivers send it.
    const call = workspace.seen.find((s) => s.path === HTTP_PATH);
    assert.equal(call?.authorization, `Basic ${Buffer.from(`token:${TOKEN}`).toString('base64')}`);
    // The failed build is in the lake's ledger; no file in the lake holds the token.
    const lake = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient('lake');
    const texts: string[] = [];
    for await (const blob of lake.listBlobsFlat())
      texts.push((await lake.getBlobClient(blob.name).downloadToBuffer()).toString());
    assert.ok(texts.some((t) => /"kind": "transform"[\s\S]*did not open a session/.test(t)));
    assert.ok(texts.every((t) => !t.includes(TOKEN)));
  });

  it('OAuth machine to machine: the client credentials buy a token, sent as a bearer token', async () => {
    workspace.seen.length = 0;
    const vars = await env({
      DATABRICKS_CLIENT_ID: 'sp-client',
      DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
    });
    const result = await wrapped(['transform', '--engine', 'databricks'], { env: vars });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /refused the credentials/);
    const [token, call] = workspace.seen;
    assert.equal(token?.path, '/oidc/v1/token');
    assert.equal(token?.body, 'grant_type=client_credentials&scope=all-apis');
    assert.equal(call?.path, HTTP_PATH);
    assert.equal(call?.authorization, 'Bearer oauth-access-1');
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(CLIENT_SECRET));

    const wrong = await wrapped(['transform', '--engine', 'databricks'], {
      env: { ...vars, DATABRICKS_CLIENT_SECRET: 'not-the-secret' },
    });
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /Databricks refused the client id and secret \(HTTP 401/);
    assert.doesNotMatch(wrong.stderr, /not-the-secret/);
  });

  it('doctor names the failing connection, with no secret', async () => {
    const vars = await env({ DATABRICKS_TOKEN: TOKEN });
    const report = await wrapped(['doctor', '--json', '--engine', 'databricks'], { env: vars });
    const builds = JSON.parse(report.stdout).checks.find(
      (c: { name: string }) => c.name === 'builds',
    );
    assert.equal(builds.status, 'fail');
    assert.match(builds.summary, /refused the credentials/);
    assert.match(builds.hint, /DATABRICKS_HTTP_PATH/);
    assert.doesNotMatch(report.stdout, new RegExp(TOKEN));
  });

  it('a lake on this machine is out of its reach: exit 2, saying where the lake must be', async () => {
    const vars = await env({ DATABRICKS_TOKEN: TOKEN });
    const result = await wrapped(['transform', '--engine', 'databricks'], {
      env: { ...vars, WRAPPED_LAKE: join(vars.WRAPPED_HOME, 'lake') },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Databricks cannot read a lake on this machine/);
    assert.match(result.stderr, /abfss:\/\//);
  });

  it('the lake as Databricks reads it: abfss:// for ADLS, s3:// for S3', () => {
    assert.equal(
      databricksLakeUrl(
        { kind: 'azure', url: 'az://lake/w', container: 'lake', prefix: 'w' },
        'acct',
      ),
      'abfss://lake@acct.dfs.core.windows.net/w',
    );
    assert.equal(
      databricksLakeUrl(
        {
          kind: 'azure',
          url: 'abfss://c@other.dfs.core.windows.net/',
          container: 'c',
          account: 'other',
          prefix: '',
        },
        undefined,
      ),
      'abfss://c@other.dfs.core.windows.net',
    );
    assert.equal(
      databricksLakeUrl({ kind: 's3', url: 's3://b/p/q', bucket: 'b', prefix: 'p/q' }, undefined),
      's3://b/p/q',
    );
    assert.throws(
      () =>
        databricksLakeUrl({ kind: 'azure', url: 'az://c', container: 'c', prefix: '' }, undefined),
      /storage account/,
    );
  });
});
