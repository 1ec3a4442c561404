import { join } from 'node:path';
import type { Config } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import { Warehouse } from '../engine.js';
import { DuckdbEngine } from './duckdb.js';
import type { Engine, EngineName } from './engine.js';
import { findSparkInstall, sparkNotSetUp } from './spark/install.js';

/**
 * The engine a build runs on (the `engine` setting, `--engine`, WRAPPED_ENGINE):
 * - duckdb: the warehouse file in HOME, embedded (the caller's open warehouse);
 * - spark: a local Spark from `wrapped engine setup spark`, its Thrift server started for the
 *   build; or an existing Thrift server at WRAPPED_SPARK_THRIFT_URL; WRAPPED_SPARK_MASTER runs
 *   the local server's work on a cluster instead;
 * - databricks: not built yet; the settings it will need are checked first.
 */
export async function openEngine(
  name: EngineName,
  options: {
    config: Config;
    lakeRoot: string;
    warehouse: Warehouse;
    env?: Record<string, string | undefined>;
  },
): Promise<Engine> {
  const env = options.env ?? process.env;
  const { config, lakeRoot } = options;
  if (name === 'duckdb') return new DuckdbEngine(options.warehouse, lakeRoot);
  if (name === 'databricks') throw databricksNotBuilt(env);
  checkSparkRemote(env);
  const { ThriftSession } = await import('./spark/thrift-client.js');
  const { SparkEngine } = await import('./spark/engine.js');
  const inspector = await Warehouse.open({ file: ':memory:', timezone: config.settings.timezone });
  const open = (target: Parameters<typeof ThriftSession.open>[0], onClose?: () => Promise<void>) =>
    ThriftSession.open(target).then((session) =>
      SparkEngine.open({
        session,
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

const DATABRICKS_VARIABLES = ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH'] as const;

function databricksNotBuilt(env: Record<string, string | undefined>): ConfigError {
  const missing: string[] = DATABRICKS_VARIABLES.filter((v) => !env[v]);
  if (!env.DATABRICKS_TOKEN && !(env.DATABRICKS_CLIENT_ID && env.DATABRICKS_CLIENT_SECRET))
    missing.push('DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)');
  if (missing.length > 0)
    return new ConfigError(`The databricks engine needs ${missing.join(', ')}.`, {
      hint: 'Set them to your SQL warehouse (README, "Engines"), or build with --engine duckdb or spark.',
    });
  return new ConfigError('The databricks engine is not built yet: builds run on duckdb or spark.', {
    hint: 'Use --engine spark (the same Spark SQL) or --engine duckdb. Issue 18 tracks Databricks.',
  });
}
