import { join } from 'node:path';
import { type Config, redactValues } from '../../config/load.js';
import { ConfigError, WrappedError } from '../../errors.js';
import type { Lake } from '../../lake/lake.js';
import { Warehouse } from '../engine.js';
import { requireLocalRoot } from '../runner.js';
import {
  type DatabricksSettings,
  databricksLakeUrl,
  databricksSettings,
  databricksTarget,
} from './databricks/connect.js';
import { DuckdbEngine } from './duckdb.js';
import type { Engine, EngineName } from './engine.js';
import { findSparkInstall, sparkNotSetUp } from './spark/install.js';
import { databricksPlatform } from './spark/platform.js';

/**
 * The engine a build runs on (the `engine` setting, `--engine`, WRAPPED_ENGINE):
 * - duckdb: the warehouse file in HOME, embedded (the caller's open warehouse);
 * - spark: a local Spark from `wrapped engine setup spark`, its Thrift server started for the
 *   build; or an existing Thrift server at WRAPPED_SPARK_THRIFT_URL; WRAPPED_SPARK_MASTER runs
 *   the local server's work on a cluster instead;
 * - databricks: a SQL warehouse (DATABRICKS_HOST, DATABRICKS_HTTP_PATH, a token or OAuth client
 *   credentials), building over the cloud lake in place.
 *
 * `lake` is the lake the build writes to: for duckdb and spark a folder on this machine (a
 * cloud lake's local copy), for databricks the cloud lake itself.
 */
export async function openEngine(
  name: EngineName,
  options: {
    config: Config;
    lake: Lake;
    warehouse: Warehouse;
    env?: Record<string, string | undefined>;
  },
): Promise<Engine> {
  const env = options.env ?? process.env;
  const { config, lake } = options;
  if (name === 'duckdb') return new DuckdbEngine(options.warehouse, requireLocalRoot(lake));
  if (name === 'databricks') return openDatabricksEngine(config, lake);
  checkSparkRemote(env);
  const { ThriftSession } = await import('./spark/thrift-client.js');
  const { SparkEngine } = await import('./spark/engine.js');
  const lakeRoot = requireLocalRoot(lake);
  const inspector = await Warehouse.open({ file: ':memory:', timezone: config.settings.timezone });
  const open = (target: Parameters<typeof ThriftSession.open>[0], onClose?: () => Promise<void>) =>
    ThriftSession.open(target).then((session) =>
      SparkEngine.open({
        session,
        lake,
        lakeRoot,
        timezone: config.settings.timezone,
        inspector,
        ...(onClose ? { onClose } : {}),
      }),
    );
  try {
    if (env.WRAPPED_SPARK_THRIFT_URL) return await open(thriftTarget(env.WRAPPED_SPARK_THRIFT_URL));
    const install = findSparkInstall(env);
    if (!install) throw sparkNotSetUp(env);
    const { startThriftServer } = await import('./spark/thrift-server.js');
    const server = await startThriftServer(install, {
      workDir: join(config.settings.home, 'spark'),
      ...(env.WRAPPED_SPARK_MASTER ? { master: env.WRAPPED_SPARK_MASTER } : {}),
      ...(env.WRAPPED_SPARK_DRIVER_MEMORY ? { driverMemory: env.WRAPPED_SPARK_DRIVER_MEMORY } : {}),
    });
    try {
      return await open(server.target, server.stop);
    } catch (error) {
      await server.stop();
      throw error;
    }
  } catch (error) {
    inspector.close();
    throw error;
  }
}

/** A Databricks SQL warehouse building over the cloud lake in place, in the configured catalog. */
export async function openDatabricksEngine(config: Config, lake: Lake): Promise<Engine> {
  const settings = databricksSettings(config.settings);
  const lakeRoot = databricksLakeUrl(config.settings.lake, config.settings.azureAccount);
  const { ThriftSession } = await import('./spark/thrift-client.js');
  const { SparkEngine } = await import('./spark/engine.js');
  const session = await ThriftSession.open(await databricksTarget(settings)).catch((error) => {
    throw databricksUnreachable(settings, error);
  });
  try {
    return await SparkEngine.open({
      session,
      platform: databricksPlatform(settings.catalog),
      lake,
      lakeRoot,
      timezone: config.settings.timezone,
    });
  } catch (error) {
    await session.close();
    throw new WrappedError(
      `Databricks opened a session but not catalog ${settings.catalog}: ${(error as Error).message.split('\n')[0]}`,
      {
        hint: `Create the catalog, or set DATABRICKS_CATALOG to one you have USE CATALOG on (README, "Engines").`,
      },
    );
  }
}

/**
 * The warehouse did not open a session: one line saying so, never the token. Databricks answers
 * a bad token with HTTP 401 or 403, and an unknown HTTP path with 404.
 */
function databricksUnreachable(settings: DatabricksSettings, error: unknown): WrappedError {
  const secrets = [settings.token, settings.clientSecret].filter((s): s is string => !!s);
  const message = redactValues((error as Error).message, secrets).replace(
    /^Could not open a SQL session at \S+: /,
    '',
  );
  const status = /\b(40[134])\b/.exec(message)?.[1];
  const why =
    status === '401' || status === '403'
      ? 'it refused the credentials'
      : status === '404'
        ? 'no SQL warehouse answers at that HTTP path'
        : message;
  return new WrappedError(
    `Databricks at ${settings.host}${settings.httpPath} did not open a session: ${why}.`,
    {
      retryable: status === undefined,
      hint: 'Check DATABRICKS_HOST, DATABRICKS_HTTP_PATH (the SQL warehouse\'s "Connection details") and the token or client secret.',
    },
  );
}

/** `http://host:port/path` of a running Spark Thrift server (HTTP transport). */
export function thriftTarget(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`WRAPPED_SPARK_THRIFT_URL is not a URL: ${url}`, {
      hint: 'Give the HTTP address of a Spark Thrift server, such as http://127.0.0.1:10001/cliservice.',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError('WRAPPED_SPARK_THRIFT_URL must be an http:// or https:// URL.');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
    path: parsed.pathname === '/' ? '/cliservice' : parsed.pathname,
    https: parsed.protocol === 'https:',
  };
}

/**
 * SPARK_REMOTE names a Spark Connect server, which this client does not speak: say so rather
 * than build somewhere the user did not ask for.
 */
function checkSparkRemote(env: Record<string, string | undefined>): void {
  if (env.SPARK_REMOTE && !env.WRAPPED_SPARK_THRIFT_URL && !env.WRAPPED_SPARK_MASTER)
    throw new ConfigError(
      'SPARK_REMOTE is set, but wrapped talks to Spark over its Thrift server, not Spark Connect.',
      {
        hint: 'Set WRAPPED_SPARK_MASTER to the cluster master URL (spark://host:7077), or WRAPPED_SPARK_THRIFT_URL to a running Thrift server, or unset SPARK_REMOTE to build on the local Spark.',
      },
    );
}
