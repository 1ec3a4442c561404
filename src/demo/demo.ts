import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { importExport } from '../importer/importer.js';
import { FsLake } from '../lake/drivers/fs.js';
import { type SlackStandIn, startSlackStandIn } from '../notify/stand-in.js';
import { type Recap, yearRecap } from '../pipeline/recap.js';
import { runPipeline } from '../pipeline/run.js';
import { sendWeeklySummary } from '../pipeline/summary.js';
import { transform } from '../pipeline/transform.js';
import { exportZip } from '../simulator/export.js';
import { LISTENER_TIMEZONE } from '../simulator/listener.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { login } from '../spotify/login.js';
import { loadModels, openWarehouse, runChecks } from '../warehouse/index.js';

/**
 * `wrapped demo`: the whole product against the built-in simulated Spotify, in a folder of its
 * own. The story: two weeks ago the listener connected wrapped-me, which has run every hour
 * since (with one Spotify outage along the way); today their data export arrived with years of
 * history. The demo lives through those weeks in fast-forward, imports the export, builds the
 * tables and prints the Wrapped.
 */
export interface DemoOptions {
  dir: string;
  /** Days of hourly runs to live through (default 14). */
  days?: number;
  seed?: string;
  /** The demo's "today" (default: now, to the hour). */
  end?: Date;
  report: (event: DemoEvent) => void;
  /** Called with what must be closed if the process is stopped midway. */
  onResources?: (close: () => Promise<void>) => void;
}

export type DemoEvent =
  | { event: 'step'; index: number; total: number; title: string }
  | { event: 'step_done'; index: number; detail: string }
  | { event: 'runs'; done: number; total: number; failed: number }
  | { event: 'slack'; text: string };

export interface DemoResult {
  home: string;
  seed: string;
  from: string;
  to: string;
  runs: { total: number; ok: number; failed: number };
  slack: string[];
  checks: { passed: number; failed: number };
  recap: Recap;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEMO_MARKER = '.wrapped-me-demo';
/** Six steps here; `wrapped demo` adds the dashboard as a seventh unless --no-serve. */
export const DEMO_STEPS = 6;

/** The outage: Spotify answers 500 for four hourly runs, starting this many hours in. */
const OUTAGE_START_HOUR = 4 * 24 + 14;
const OUTAGE_RUNS = 4;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const days = options.days ?? 14;
  const seed = options.seed ?? 'wrapped-demo';
  const end = options.end ?? new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const start = new Date(end.getTime() - days * DAY);
  const step = (index: number, title: string) =>
    options.report({ event: 'step', index, total: DEMO_STEPS, title });
  const done = (index: number, detail: string) =>
    options.report({ event: 'step_done', index, detail });

  await prepareFolder(options.dir);
  let sim: Simulator | undefined;
  let slack: SlackStandIn | undefined;
  const close = async () => {
    await Promise.allSettled([sim?.close(), slack?.close()]);
  };
  options.onResources?.(close);
  try {
    step(1, 'Starting the simulated Spotify and a Slack stand-in');
    sim = await startSimulator({ seed, start });
    slack = await startSlackStandIn({
      onMessage: (m) => options.report({ event: 'slack', text: m.text }),
    });
    const config = demoConfig(options.dir, sim.url, slack.url, await freeLoopbackPort());
    done(1, `simulator on ${sim.url} (seed "${seed}"), its clock at ${start.toISOString()}`);

    step(2, 'Logging in with OAuth (authorization code with PKCE), as with Spotify');
    const tokens = await login({
      config,
      // The simulator's consent page agrees at once and redirects to our callback.
      onAuthorizeUrl: (url) => void fetch(url).catch(() => undefined),
      timeoutMs: 15_000,
    });
    done(2, `logged in as ${tokens.display_name ?? '?'} (${tokens.account_id ?? '?'})`);

    const lake = new FsLake(join(options.dir, 'lake'));
    step(3, `Living through ${days} days of hourly runs, fast-forward (one Spotify outage)`);
    const total = days * 24;
    let failed = 0;
    for (let hour = 1; hour <= total; hour++) {
      sim.world.now = start.getTime() + hour * HOUR;
      if (hour === OUTAGE_START_HOUR)
        await simControl(sim.url, 'POST', 'faults', {
          rules: [{ path: '/v1/*', kind: 'server_error', status: 500 }],
        });
      if (hour === OUTAGE_START_HOUR + OUTAGE_RUNS) await simControl(sim.url, 'DELETE', 'faults');
      const record = await runPipeline({
        config,
        lake,
        now: new Date(sim.world.now),
        // Fast-forward: the tables are built once a simulated day rather than every hour.
        transform: hour % 24 === 0,
        client: { backoffMs: 5 },
      });
      if (record.status !== 'ok') failed++;
      options.report({ event: 'runs', done: hour, total, failed });
    }
    done(
      3,
      `${total} runs: ${total - failed} ok, ${failed} failed during the outage; tables built daily`,
    );

    step(4, 'Importing the data export that arrived today (years of history)');
    const zip = join(options.dir, 'my_spotify_data.zip');
    await writeFile(zip, exportZip(sim.world));
    const imported = await importExport({ lake, inputs: [zip] });
    done(
      4,
      `${imported.totals.landed} files landed (${imported.totals.records.toLocaleString('en-US')} records), ${imported.totals.skipped} skipped (personal data is never landed)`,
    );

    step(5, 'Building bronze, silver and gold, and checking them');
    const built = await transform({ config, lake });
    const warehouse = await openWarehouse(config, lake);
    let checks: { passed: number; failed: number };
    let recap: Recap | undefined;
    try {
      const results = await runChecks(warehouse, loadModels(config.settings.modelsDir), {
        remember: true,
      });
      checks = {
        passed: results.filter((r) => r.passed).length,
        failed: results.filter((r) => !r.passed).length,
      };
      const year = new Intl.DateTimeFormat('en-CA', {
        timeZone: config.settings.timezone,
        year: 'numeric',
      }).format(end);
      recap = await yearRecap(warehouse, year);
    } finally {
      warehouse.close();
    }
    await sendWeeklySummary({ config, lake, now: end });
    done(
      5,
      `${built.models.length} models; ${checks.passed} checks passed, ${checks.failed} failed; weekly summary sent`,
    );
    if (!recap) throw new Error('the demo built no recap: the simulated year has no plays');

    step(6, 'Your Wrapped');
    return {
      home: options.dir,
      seed,
      from: start.toISOString(),
      to: end.toISOString(),
      runs: { total, ok: total - failed, failed },
      slack: slack.messages.map((m) => m.text),
      checks,
      recap,
    };
  } finally {
    await close();
  }
}

async function simControl(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator control ${path}: ${response.status}`);
}

/** The demo's own settings: nothing from the user's environment, .env or HOME is read. */
function demoConfig(home: string, simUrl: string, slackUrl: string, callbackPort: number): Config {
  return loadConfig({
    cwd: home,
    flags: {},
    env: {
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: LISTENER_TIMEZONE,
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: simUrl,
      SPOTIFY_API_URL: `${simUrl}/v1`,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${callbackPort}/callback`,
      SLACK_WEBHOOK_URL: slackUrl,
    },
  });
}

/** Empties the demo folder, refusing one that is not a previous demo's (never a user's data). */
async function prepareFolder(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(DEMO_MARKER))
      throw new UsageError(`${dir} is not empty and is not a wrapped-me demo folder.`, {
        hint: 'Give the demo a folder of its own with --dir (it empties it on every start).',
      });
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  // So that `WRAPPED_HOME=<dir> wrapped ...` reads the demo's tables in the listener's zone.
  await writeFile(
    join(dir, 'config.json'),
    `${JSON.stringify({ timezone: LISTENER_TIMEZONE }, null, 2)}\n`,
  );
  await writeFile(
    join(dir, DEMO_MARKER),
    'A wrapped-me demo lives here; `wrapped demo` empties this folder when it starts.\n',
  );
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
