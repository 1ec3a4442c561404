/**
 * The whole pipeline on a lake in Azure Blob Storage (Azurite on 127.0.0.1): import, run and
 * transform from one HOME; a second, empty HOME reads the same numbers from the container; a
 * push killed halfway leaves only complete tables behind; wrong settings exit 2 naming them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from '../../src/lake/testing/azurite.js';
import { exportZip } from '../../src/simulator/export.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { startDaemon } from '../support/daemon.js';
import { BIN, queryRows, wrapped } from '../support/helpers.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';

const LAKE = 'az://lake/wrapped';

interface Manifest {
  table: string;
  load_id: string;
  rows: number;
  files: string[];
}

describe('an Azure lake (Azurite), end to end', () => {
  let azurite: Azurite;
  let sim: Simulator;
  let container: ContainerClient;
  let env1: Record<string, string>;
  const folders: string[] = [];
  const freshHome = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wrapped-az-home-'));
    folders.push(dir);
    return dir;
  };
  const readerEnv = async () => ({
    WRAPPED_HOME: await freshHome(),
    WRAPPED_LAKE: LAKE,
    WRAPPED_TIMEZONE: 'UTC',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  });

  before(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'lake',
    );
    await container.create();
    sim = await startSimulator({ seed: 'azure', start: new Date('2026-11-01T06:30:00Z') });
    await control(sim.url, 'POST', 'clock', { advance: 'P14D' });
    const login = await loggedInHome(sim);
    folders.push(login.home);
    env1 = {
      WRAPPED_HOME: login.home,
      // This HOME holds the login (stateless-run.test.ts keeps it in the lake instead).
      WRAPPED_STATE: 'home',
      WRAPPED_LAKE: LAKE,
      WRAPPED_TIMEZONE: 'UTC',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
    };
  });
  after(async () => {
    await sim?.close();
    await azurite?.stop();
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  });

  const now = () => ({ WRAPPED_NOW: new Date(sim.world.now).toISOString() });
  const blobNames = async (prefix: string) => {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names;
  };
  const remoteManifests = async (): Promise<Manifest[]> => {
    const manifests: Manifest[] = [];
    for (const name of await blobNames('wrapped/'))
      if (name.endsWith('/_manifest.json'))
        manifests.push(
          JSON.parse(
            (await container.getBlobClient(name).downloadToBuffer()).toString(),
          ) as Manifest,
        );
    return manifests;
  };

  it('import, run and transform land raw files and publish Parquet tables in the container', async () => {
    const zip = join(await freshHome(), 'my_spotify_data.zip');
    await writeFile(zip, exportZip(sim.world));
    const imported = await wrapped(['import', zip], { env: { ...env1, ...now() } });
    assert.equal(imported.code, 0, imported.stderr);
    const run = await wrapped(['run', '--json'], { env: { ...env1, ...now() } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).status, 'ok');

    const names = await blobNames('wrapped/');
    assert.ok(names.some((n) => n.startsWith('wrapped/raw/export/')));
    assert.ok(names.some((n) => n.startsWith('wrapped/raw/spotify/recently_played/dt=')));
    assert.ok(names.some((n) => /^wrapped\/_loads\/.+\.json$/.test(n)));
    for (const table of ['silver/fct_play', 'gold/wrapped_year', 'gold/agg_daily_listening']) {
      assert.ok(names.includes(`wrapped/${table}/_manifest.json`), table);
      assert.ok(
        // Partitioned tables keep their parts in `event_year=<year>/` folders.
        names.some((n) =>
          new RegExp(`^wrapped/${table}/(event_year=[^/]+/)?part-[^/]+\\.parquet$`).test(n),
        ),
        table,
      );
    }
    // Nothing of the engine's local work leaks into the container.
    assert.ok(!names.some((n) => /\.duckdb|\.tmp-|lake-cache/.test(n)), names.join('\n'));
  });

  it('a second, empty HOME on the same lake gives the same recap and play log', async () => {
    const first = await wrapped(['recap', '--json'], { env: env1 });
    assert.equal(first.code, 0, first.stderr);
    const env2 = await readerEnv();
    const second = await wrapped(['recap', '--json'], { env: env2 });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), JSON.parse(first.stdout));
    const sql =
      'SELECT count(*) AS plays, sum(ms_played) AS ms, count(DISTINCT source) AS sources FROM silver.fct_play';
    const [a, b] = [await queryRows(sql, env1), await queryRows(sql, env2)];
    assert.deepEqual(b, a);
    assert.ok(Number(a[0]?.plays) > 100, JSON.stringify(a));
    // The same lake by its ADLS Gen2 name, signed in with the account key instead.
    const key = azurite.connectionString.match(/AccountKey=([^;]+)/)?.[1] as string;
    const byAbfss = await wrapped(['recap', '--json'], {
      env: {
        WRAPPED_HOME: await freshHome(),
        WRAPPED_LAKE: `abfss://lake@${AZURITE_ACCOUNT}.dfs.core.windows.net/wrapped`,
        WRAPPED_TIMEZONE: 'UTC',
        AZURE_STORAGE_KEY: key,
        AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
      },
    });
    assert.equal(byAbfss.code, 0, byAbfss.stderr);
    assert.deepEqual(JSON.parse(byAbfss.stdout), JSON.parse(first.stdout));
    const checks = await wrapped(['check'], { env: env2 });
    assert.equal(checks.code, 0, checks.stdout);

    // The dashboard of a third, empty HOME serves the same year.
    const server = startDaemon(['serve', '--port', '0', '--json'], await readerEnv());
    try {
      const { url } = (await server.waitFor((e) => typeof e.url === 'string')) as { url: string };
      const recap = JSON.parse(first.stdout) as { year: string; minutes: number; plays: number };
      const served = (await (await fetch(`${url}api/wrapped?year=${recap.year}`)).json()) as {
        year: { minutes: number; plays: number };
      };
      assert.equal(served.year.minutes, recap.minutes);
      assert.equal(served.year.plays, recap.plays);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a push killed halfway leaves every manifest pointing at complete files; a rerun completes it', async () => {
    const before = new Map((await remoteManifests()).map((m) => [m.table, m.load_id]));
    // New plays, so the next build differs from the published one.
    await control(sim.url, 'POST', 'clock', { advance: 'PT6H' });
    const extracted = await wrapped(['extract'], { env: { ...env1, ...now() } });
    assert.equal(extracted.code, 0, extracted.stderr);

    // Between the CLI and Azurite: a proxy that SIGKILLs the CLI when it publishes its fourth
    // manifest, before that request reaches the storage. (A request that publishes is a Put
    // Blob or a Put Block List; a staged block is invisible until its list is committed.)
    const killAt = 4;
    let published = 0;
    let child: ReturnType<typeof spawn> | undefined;
    const proxy = await startProxy(new URL(azurite.blobEndpoint), (method, path) => {
      const publishes = method === 'PUT' && !/[?&]comp=block(&|$)/.test(path);
      if (publishes && path.includes('_manifest.json') && ++published === killAt) {
        child?.kill('SIGKILL');
        return 'drop';
      }
      return 'forward';
    });
    try {
      const proxied = azurite.connectionString.replace(
        /BlobEndpoint=[^;]+/,
        `BlobEndpoint=http://127.0.0.1:${(proxy.address() as AddressInfo).port}/${AZURITE_ACCOUNT}`,
      );
      child = spawn(process.execPath, [BIN, 'transform'], {
        env: {
          PATH: process.env.PATH ?? '',
          ...env1,
          ...now(),
          AZURE_STORAGE_CONNECTION_STRING: proxied,
        },
        stdio: 'ignore',
      });
      const signal = await new Promise((resolve) => child?.on('close', (_c, s) => resolve(s)));
      assert.equal(signal, 'SIGKILL');
    } finally {
      proxy.close();
    }

    const manifests = await remoteManifests();
    const moved = manifests.filter((m) => before.get(m.table) !== m.load_id);
    assert.equal(moved.length, killAt - 1, 'three tables were published before the kill');
    assert.ok(manifests.length > moved.length, 'the others still name the earlier build');
    const names = new Set(await blobNames('wrapped/'));
    for (const m of manifests)
      for (const f of m.files) assert.ok(names.has(`wrapped/${f}`), `${m.table}: ${f} missing`);
    // A reader follows the manifests: every table reads whole, with the rows it declares.
    const reader = await readerEnv();
    const counted = await queryRows(
      manifests
        .map((m) => `SELECT '${m.table}' AS t, count(*) AS n FROM ${m.table}`)
        .join(' UNION ALL '),
      reader,
    );
    assert.deepEqual(
      Object.fromEntries(counted.map((r) => [r.t, Number(r.n)])),
      Object.fromEntries(manifests.map((m) => [m.table, m.rows])),
    );
    assert.equal((await wrapped(['recap', '--json'], { env: reader })).code, 0);

    const rerun = await wrapped(['transform'], { env: { ...env1, ...now() } });
    assert.equal(rerun.code, 0, rerun.stderr);
    const after = await remoteManifests();
    // The lake is current: another build finds nothing to redo.
    const again = await wrapped(['transform', '--json'], { env: { ...env1, ...now() } });
    const redone = (
      JSON.parse(again.stdout) as {
        models: Array<{ model: string; materialized: string; reused?: boolean }>;
      }
    ).models.filter(
      (m) => m.materialized !== 'view' && m.materialized !== 'ephemeral' && m.reused !== true,
    );
    assert.deepEqual(redone, []);
    const [home1, home2] = [
      await wrapped(['recap', '--json'], { env: env1 }),
      await wrapped(['recap', '--json'], { env: reader }),
    ];
    assert.deepEqual(JSON.parse(home2.stdout), JSON.parse(home1.stdout));
    const sql = 'SELECT count(*) AS n FROM silver.fct_play';
    assert.deepEqual(await queryRows(sql, reader), await queryRows(sql, env1));
    // Old parts are gone once no manifest names them.
    for (const m of after) {
      const folder = `wrapped/${m.table.replace('.', '/')}/`;
      const parts = (await blobNames(folder)).filter((n) => n.endsWith('.parquet'));
      assert.deepEqual(parts.sort(), m.files.map((f) => `wrapped/${f}`).sort(), m.table);
    }
    // And it holds what a full rebuild gives.
    const figures = () =>
      queryRows(
        "SELECT (SELECT count(*) FROM silver.fct_play) AS plays, (SELECT sum(ms_played) FROM silver.fct_play) AS ms, (SELECT md5(string_agg(CAST(t AS VARCHAR), ',' ORDER BY CAST(t AS VARCHAR))) FROM gold.agg_top_tracks AS t) AS top, (SELECT md5(string_agg(CAST(w AS VARCHAR), ',' ORDER BY year)) FROM gold.wrapped_year AS w) AS years",
        env1,
      );
    const incremental = await figures();
    assert.equal(
      (await wrapped(['transform', '--full-refresh'], { env: { ...env1, ...now() } })).code,
      0,
    );
    assert.deepEqual(await figures(), incremental);
  });

  it('two HOMEs on one lake never build at once: the second is refused while the first holds the lock', async () => {
    const first = spawn(process.execPath, [BIN, 'transform', '--full-refresh'], {
      env: { PATH: process.env.PATH ?? '', ...env1, ...now() },
      stdio: 'ignore',
    });
    const finished = new Promise((resolve) => first.once('exit', resolve));
    try {
      for (let i = 0; i < 400; i++) {
        if ((await blobNames('wrapped/_state/locks/transform.json')).length > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const other = await readerEnv();
      const refused = await wrapped(['transform'], { env: other });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /wrapped transform is already running on this lake \(pid \d+/);
    } finally {
      await finished;
    }
    assert.deepEqual(await blobNames('wrapped/_state/locks/transform.json'), [], 'released');
    const after = await wrapped(['transform'], { env: await readerEnv() });
    assert.equal(after.code, 0, after.stderr);
  });

  it('a wrong key and a missing container exit 2 naming the setting, with no key material', async () => {
    const wrongKey = Buffer.from('this is not the key of the account').toString('base64');
    const badKey = await wrapped(['recap'], {
      env: {
        WRAPPED_HOME: await freshHome(),
        WRAPPED_LAKE: LAKE,
        AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT,
        AZURE_STORAGE_KEY: wrongKey,
        AZURE_STORAGE_BLOB_ENDPOINT: azurite.blobEndpoint,
      },
    });
    assert.equal(badKey.code, 2, badKey.stderr);
    assert.match(badKey.stderr, /AZURE_STORAGE_KEY/);
    assert.match(badKey.stderr, /403/);

    const missing = await wrapped(['import', join(tmpdir(), 'nothing-here.json')], {
      env: { ...(await readerEnv()), WRAPPED_LAKE: 'az://no-such-container/x' },
    });
    const listed = await wrapped(['recap'], {
      env: { ...(await readerEnv()), WRAPPED_LAKE: 'az://no-such-container/x' },
    });
    assert.equal(listed.code, 2, listed.stderr);
    assert.match(listed.stderr, /container "no-such-container".*does not exist/);
    assert.match(listed.stderr, /WRAPPED_LAKE/);

    const key = azurite.connectionString.match(/AccountKey=([^;]+)/)?.[1] as string;
    for (const out of [badKey, missing, listed])
      for (const secret of [wrongKey, key])
        assert.ok(!`${out.stdout}${out.stderr}`.includes(secret), 'key material in the output');

    const doctor = await wrapped(['doctor'], {
      env: { ...(await readerEnv()), WRAPPED_LAKE: 'az://no-such-container/x' },
    });
    assert.match(doctor.stdout, /✗ lake .*does not exist/);
    const good = await wrapped(['doctor'], { env: await readerEnv() });
    assert.match(good.stdout, /✓ lake {6}az:\/\/lake\/wrapped \(read, write, list ok\)/);
    assert.ok(!good.stdout.includes(key));
  });
});

/** A plain HTTP proxy to `target` that can drop a request instead of forwarding it. */
async function startProxy(
  target: URL,
  decide: (method: string, path: string) => 'forward' | 'drop',
): Promise<Server> {
  const server = createServer((req, res) => {
    if (decide(req.method ?? 'GET', req.url ?? '') === 'drop') {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
