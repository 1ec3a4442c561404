import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config/load.js';
import { WrappedError } from '../errors.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { openLake } from '../lake/open.js';
import { findOrphans, removeOrphans } from '../pipeline/loads.js';

export type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: DoctorStatus;
  summary: string;
  /** What to do about a warning or failure. */
  hint?: string;
}

const MIN_NODE = [20, 15] as const; // zlib.crc32 (20.15), util.parseEnv (20.12)
const GiB = 1024 ** 3;

/**
 * `wrapped doctor`: is this machine ready? Each check says what it found and, when something is
 * off, what to do. It writes nothing except a probe file in an existing lake, removed at once;
 * with `fix`, it also removes what killed commands left in the lake.
 */
export async function runDoctor(
  given: Config,
  options: { fix?: boolean } = {},
): Promise<{ checks: DoctorCheck[]; config: Config }> {
  const { checkKeyVault } = await import('./key-vault-check.js');
  // With KEY_VAULT_URL, the checks after this one see the secrets the vault holds.
  const vault = await checkKeyVault(given);
  const config = vault.config;
  const checks = [
    checkNode(),
    ...vault.checks,
    await checkHome(config),
    await checkLake(config),
    await checkLeftovers(config, Boolean(options.fix)),
    await checkListeners(config, Boolean(options.fix)),
    checkTimezone(config),
    checkCredentials(config),
    await checkLogin(config),
    checkSlack(config),
    await checkDisk(config),
    await checkEngine(),
    await checkBuildEngine(config),
  ];
  return { checks, config };
}

function checkNode(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { name: 'node', status: 'ok', summary: `Node.js ${process.versions.node}` }
    : {
        name: 'node',
        status: 'fail',
        summary: `Node.js ${process.versions.node} is too old`,
        hint: `Install Node.js ${MIN_NODE.join('.')} or newer.`,
      };
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

async function checkHome(config: Config): Promise<DoctorCheck> {
  const home = config.settings.home;
  try {
    const info = await stat(home);
    if (!info.isDirectory()) {
      return {
        name: 'home',
        status: 'fail',
        summary: `${home} is not a folder`,
        hint: 'Point --home or WRAPPED_HOME at a folder.',
      };
    }
    await access(home, constants.W_OK);
    return { name: 'home', status: 'ok', summary: home };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const parent = await nearestExisting(home);
      try {
        await access(parent, constants.W_OK);
        return { name: 'home', status: 'ok', summary: `${home} (created on first use)` };
      } catch {
        return {
          name: 'home',
          status: 'fail',
          summary: `${home} cannot be created: ${parent} is not writable`,
          hint: 'Choose another --home.',
        };
      }
    }
    return {
      name: 'home',
      status: 'fail',
      summary: `${home} is not writable`,
      hint: 'Fix its permissions or choose another --home.',
    };
  }
}

async function checkLake(config: Config): Promise<DoctorCheck> {
  let lake: ReturnType<typeof openLake>;
  try {
    lake = openLake(config.settings);
  } catch (error) {
    return {
      name: 'lake',
      status: 'fail',
      summary: (error as Error).message,
      hint: (error as { hint?: string }).hint,
    };
  }
  if (lake.localRoot !== undefined) {
    try {
      await stat(lake.localRoot);
    } catch {
      return {
        name: 'lake',
        status: 'ok',
        summary: `${lake.location} (local folder, created on first write)`,
      };
    }
  }
  // A real round trip: write, read, list and delete a probe file.
  const probe = `_doctor/probe-${newLoadId()}.txt`;
  try {
    await lake.put(probe, 'probe', { createOnly: true });
    const back = (await lake.get(probe)).toString();
    let listed = false;
    for await (const entry of lake.list('_doctor/')) if (entry.path === probe) listed = true;
    await lake.delete(probe);
    if (back !== 'probe' || !listed) throw new Error('the probe file did not read back');
    return { name: 'lake', status: 'ok', summary: `${lake.location} (read, write, list ok)` };
  } catch (error) {
    return {
      name: 'lake',
      status: 'fail',
      summary: `${lake.location}: ${(error as Error).message}`,
      hint:
        (error as { hint?: string }).hint ?? 'Check the folder permissions or the --lake value.',
    };
  }
}

/**
 * What killed imports, extracts and load removals left in the lake: files of loads that never
 * got a ledger entry (never read by a build, but taking space), content markers that would
 * refuse a re-import, and half-written temporary files. Removed with `--fix`.
 */
async function checkLeftovers(config: Config, fix: boolean): Promise<DoctorCheck> {
  try {
    const lake = openLake(config.settings);
    if (lake.localRoot !== undefined && !(await stat(lake.localRoot).catch(() => undefined)))
      return { name: 'leftovers', status: 'ok', summary: 'none (the lake is empty)' };
    const orphans = await findOrphans(lake);
    const temporary =
      lake instanceof FsLake
        ? await lake.sweepTemporaryFiles(undefined, undefined, { countOnly: !fix })
        : 0;
    const found = orphans.files.length + orphans.markers.length + temporary;
    const what = `${orphans.files.length} files of unfinished loads, ${orphans.markers.length} stale import markers, ${temporary} half-written files`;
    if (found === 0) return { name: 'leftovers', status: 'ok', summary: 'none' };
    if (fix) {
      await removeOrphans(lake, orphans);
      return { name: 'leftovers', status: 'ok', summary: `removed ${what}` };
    }
    return {
      name: 'leftovers',
      status: 'warn',
      summary: `${what} (left by killed commands)`,
      hint: 'Remove them with `wrapped doctor --fix`; no build reads them.',
    };
  } catch (error) {
    return {
      name: 'leftovers',
      status: 'warn',
      summary: `could not look: ${(error as Error).message}`,
    };
  }
}

/**
 * Whose data the lake holds. A lake made before listeners has no registry: its data is all
 * `me`'s and is read that way; `--fix` writes the registry down (src/listeners/migrate.ts).
 */
async function checkListeners(config: Config, fix: boolean): Promise<DoctorCheck> {
  try {
    const lake = openLake(config.settings);
    if (lake.localRoot !== undefined && !(await stat(lake.localRoot).catch(() => undefined)))
      return { name: 'listeners', status: 'ok', summary: 'me (the lake is empty)' };
    const { readListeners } = await import('../listeners/registry.js');
    const { listeners, stored } = await readListeners(lake);
    if (stored)
      return {
        name: 'listeners',
        status: 'ok',
        summary: listeners.map((l) => l.id).join(', '),
      };
    if (fix) {
      const { writeRegistryOfOldLake } = await import('../listeners/migrate.js');
      const { account } = await writeRegistryOfOldLake(lake);
      return {
        name: 'listeners',
        status: 'ok',
        summary: `wrote _state/listeners.json: me${account ? ` (Spotify account ${account})` : ''}; every table gains listener_id at the next wrapped transform`,
      };
    }
    return {
      name: 'listeners',
      status: 'warn',
      summary:
        "me (no listener registry yet, as in a lake made before listeners: all its data is one listener's)",
      hint: 'Write the listener registry with `wrapped doctor --fix`; nothing else in the lake changes.',
    };
  } catch (error) {
    return {
      name: 'listeners',
      status: 'warn',
      summary: `could not read the listeners: ${(error as Error).message}`,
    };
  }
}

function checkTimezone(config: Config): DoctorCheck {
  const tz = config.settings.timezone;
  const now = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date());
  return { name: 'timezone', status: 'ok', summary: `${tz} (now ${now} there)` };
}

function checkCredentials(config: Config): DoctorCheck {
  const { spotifyClientId, spotifyClientSecret, spotifyRedirectUri } = config.settings;
  if (!spotifyClientId) {
    return {
      name: 'spotify',
      status: 'warn',
      summary: 'SPOTIFY_CLIENT_ID is not set: the pipeline cannot reach Spotify yet',
      hint: `Create an app in Spotify's developer dashboard with redirect URI ${spotifyRedirectUri}, then put SPOTIFY_CLIENT_ID (and optionally SPOTIFY_CLIENT_SECRET) in .env.`,
    };
  }
  const flow = spotifyClientSecret
    ? 'client secret set: authorization code flow'
    : 'no client secret: PKCE flow';
  return {
    name: 'spotify',
    status: 'ok',
    summary: `client id set, ${flow}, redirect ${spotifyRedirectUri}`,
  };
}

async function checkLogin(config: Config): Promise<DoctorCheck> {
  const { refreshTokenExpiry } = await import('../spotify/token-store.js');
  const { openStateStores } = await import('../state/stores.js');
  let tokens: Awaited<ReturnType<ReturnType<typeof openStateStores>['tokens']['read']>>;
  try {
    tokens = await openStateStores(config).tokens.read();
  } catch (error) {
    return {
      name: 'login',
      status: 'fail',
      summary: (error as Error).message,
      hint: (error as { hint?: string }).hint ?? 'Run `wrapped auth login`.',
    };
  }
  if (!tokens)
    return {
      name: 'login',
      status: 'warn',
      summary: 'not logged in to Spotify',
      hint: 'Run `wrapped auth login` (or `wrapped init`).',
    };
  const daysLeft = Math.floor(
    (refreshTokenExpiry(tokens.authorized_at).getTime() - Date.now()) / 86_400_000,
  );
  const who = `${tokens.display_name ?? '?'} (${tokens.account_id ?? '?'})`;
  const block = await openStateStores(config).blocks.current();
  if (daysLeft < 0)
    return {
      name: 'login',
      status: 'fail',
      summary: `${who}: the login expired ${-daysLeft} days ago`,
      hint: 'Run `wrapped auth login`.',
    };
  if (block)
    return {
      name: 'login',
      status: 'warn',
      summary: `${who}: Spotify asked to wait until ${block.until}`,
      hint: 'Nothing to do: runs resume by themselves after that.',
    };
  if (daysLeft < 14)
    return {
      name: 'login',
      status: 'warn',
      summary: `${who}: ${daysLeft} days until you must log in again`,
      hint: 'Run `wrapped auth login` soon.',
    };
  return { name: 'login', status: 'ok', summary: `${who}, ${daysLeft} days until the next login` };
}

function checkSlack(config: Config): DoctorCheck {
  return config.settings.slackWebhookUrl
    ? { name: 'slack', status: 'ok', summary: 'webhook set (alerts and weekly summary)' }
    : {
        name: 'slack',
        status: 'ok',
        summary: 'no webhook: alerts only in the terminal (optional: SLACK_WEBHOOK_URL)',
      };
}

async function checkDisk(config: Config): Promise<DoctorCheck> {
  const where = await nearestExisting(config.settings.home);
  const info = await statfs(where);
  const free = info.bavail * info.bsize;
  const text = `${(free / GiB).toFixed(1)} GiB free at ${where}`;
  if (free < 0.1 * GiB)
    return {
      name: 'disk',
      status: 'fail',
      summary: text,
      hint: 'Free some space; the lake and warehouse need room to grow.',
    };
  if (free < 1 * GiB)
    return {
      name: 'disk',
      status: 'warn',
      summary: text,
      hint: 'Less than 1 GiB free: a large export import may not fit.',
    };
  return { name: 'disk', status: 'ok', summary: text };
}

async function checkEngine(): Promise<DoctorCheck> {
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT version() AS v');
    const v = String(reader.getRowObjectsJson()[0]?.v ?? '?');
    connection.closeSync();
    instance.closeSync();
    return { name: 'engine', status: 'ok', summary: `DuckDB ${v}` };
  } catch (error) {
    return {
      name: 'engine',
      status: 'fail',
      summary: `DuckDB does not load: ${(error as Error).message}`,
      hint: 'Reinstall with `npm install`.',
    };
  }
}

/**
 * Databricks: the connection (host, HTTP path, token), the catalog, and the permissions a build
 * needs, tried with a throwaway table in the lake (engines/access-probe.ts).
 */
async function checkDatabricks(config: Config): Promise<DoctorCheck> {
  const { openDatabricksEngine } = await import('../warehouse/engines/open.js');
  const { probeEngineAccess } = await import('../warehouse/engines/access-probe.js');
  const lake = openLake(config.settings);
  let engine: Awaited<ReturnType<typeof openDatabricksEngine>>;
  try {
    engine = await openDatabricksEngine(config, lake);
  } catch (error) {
    return {
      name: 'builds',
      status: 'fail',
      summary: `databricks: ${config.redact((error as Error).message)}`,
      hint: error instanceof WrappedError ? error.hint : undefined,
    };
  }
  try {
    const steps = await probeEngineAccess(engine, lake);
    const failed = steps.find((s) => !s.ok);
    const where = `${config.settings.databricksHost}, catalog ${config.settings.databricksCatalog}`;
    if (!failed)
      return {
        name: 'builds',
        status: 'ok',
        summary: `databricks: ${where}; ${steps.map((s) => s.detail).join('; ')}`,
      };
    return {
      name: 'builds',
      status: 'fail',
      summary: `databricks: ${where}; cannot ${failed.step}: ${config.redact(failed.detail)}`,
      hint: DATABRICKS_GRANTS[failed.step],
    };
  } finally {
    await engine.close();
  }
}

/** The Unity Catalog grant each probe step needs (README, "Engines"). */
const DATABRICKS_GRANTS = {
  schemas:
    'Grant USE CATALOG and CREATE SCHEMA on the catalog (or create schemas bronze, silver, gold, wrapped_build and grant USE SCHEMA, CREATE TABLE).',
  write: "Grant CREATE EXTERNAL TABLE and WRITE FILES on the lake's external location.",
  read: "Grant READ FILES on the lake's external location.",
} as const;

/**
 * The engine builds run on (`--engine`, WRAPPED_ENGINE): Spark's install and Java when Spark is
 * chosen (starting it takes 20 s, so the doctor does not), Databricks' variables when it is.
 */
async function checkBuildEngine(config: Config): Promise<DoctorCheck> {
  const engine = config.settings.engine;
  const { checkJava, findSparkInstall, PYSPARK_VERSION, sparkVenvDir } = await import(
    '../warehouse/engines/spark/install.js'
  );
  const install = findSparkInstall();
  if (engine === 'duckdb')
    return {
      name: 'builds',
      status: 'ok',
      summary: `duckdb${install ? `; Spark is set up too (pyspark ${PYSPARK_VERSION})` : ''}`,
    };
  if (engine === 'databricks') return checkDatabricks(config);
  if (!install)
    return {
      name: 'builds',
      status: 'fail',
      summary: `spark: not set up (no pyspark ${PYSPARK_VERSION} in ${sparkVenvDir()})`,
      hint: 'Run: wrapped engine setup spark',
    };
  try {
    const java = await checkJava();
    return {
      name: 'builds',
      status: 'ok',
      summary: `spark: pyspark ${PYSPARK_VERSION} in ${install.venv}, Java ${java.version}`,
    };
  } catch (error) {
    return {
      name: 'builds',
      status: 'fail',
      summary: `spark: ${(error as Error).message}`,
      hint: 'Install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless).',
    };
  }
}
