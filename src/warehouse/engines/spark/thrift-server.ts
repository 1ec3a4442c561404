import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import type { SparkInstall } from './install.js';
import type { ThriftTarget } from './thrift-client.js';

/**
 * Spark's Thrift server (HiveServer2 over HTTP), started from the product's pyspark for one
 * build and stopped after it. Its metastore (Derby) and log live in `workDir` (HOME/spark).
 * It listens on 127.0.0.1 only, on a free port.
 */
export interface ThriftServerOptions {
  workDir: string;
  /** Where the work runs: `local[2]` by default, or a cluster's master URL. */
  master?: string;
  driverMemory?: string;
  /** How long to wait for the server to listen (it takes about 20 s on 2 cores). */
  startTimeoutMs?: number;
}

export interface RunningThriftServer {
  target: ThriftTarget;
  log: string;
  stop(): Promise<void>;
}

export async function startThriftServer(
  install: SparkInstall,
  options: ThriftServerOptions,
): Promise<RunningThriftServer> {
  await mkdir(options.workDir, { recursive: true });
  const port = await freePort();
  const log = join(options.workDir, 'thrift-server.log');
  const out = openSync(log, 'w');
  const args = [
    '--class',
    'org.apache.spark.sql.hive.thriftserver.HiveThriftServer2',
    '--name',
    'wrapped-me',
    '--master',
    options.master ?? 'local[2]',
    '--driver-memory',
    options.driverMemory ?? '2g',
    // Two cores: few shuffle partitions, no web UI.
    '--conf',
    'spark.sql.shuffle.partitions=2',
    '--conf',
    'spark.ui.enabled=false',
    '--conf',
    `spark.sql.warehouse.dir=${join(options.workDir, 'warehouse')}`,
    '--driver-java-options',
    `-Dderby.system.home=${options.workDir}`,
    '--hiveconf',
    'hive.server2.transport.mode=http',
    '--hiveconf',
    `hive.server2.thrift.http.port=${port}`,
    '--hiveconf',
    'hive.server2.thrift.bind.host=127.0.0.1',
    '--hiveconf',
    'hive.server2.authentication=NOSASL',
    'spark-internal',
  ];
  const child = spawn(join(install.sparkHome, 'bin', 'spark-submit'), args, {
    cwd: options.workDir,
    // Its own process group, so stopping it stops the JVM spark-submit starts.
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      SPARK_HOME: install.sparkHome,
      PYSPARK_PYTHON: join(install.venv, 'bin', 'python'),
    },
  });
  const stopOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', stopOnExit);
  try {
    await waitForPort(child, port, options.startTimeoutMs ?? 180_000, log);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    process.off('exit', stopOnExit);
    throw error;
  }
  return {
    target: { host: '127.0.0.1', port, path: '/cliservice' },
    log,
    stop: async () => {
      process.off('exit', stopOnExit);
      await stopGroup(child);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {}
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the server accepts connections; fails early, with its log, if it exits. */
async function waitForPort(child: ChildProcess, port: number, timeoutMs: number, log: string) {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new EngineError(
        `Spark's Thrift server exited (code ${exited}) before it listened.\n${logTail(log)}`,
        {
          hint: `Its whole log is ${log}.`,
        },
      );
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new EngineError(
    `Spark's Thrift server did not listen within ${timeoutMs / 1000} s.\n${logTail(log)}`,
    {
      hint: `Its whole log is ${log}.`,
      retryable: true,
    },
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function logTail(log: string): string {
  try {
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => /ERROR|Exception|Error:/.test(l));
    return lines.slice(-5).join('\n');
  } catch {
    return '';
  }
}
