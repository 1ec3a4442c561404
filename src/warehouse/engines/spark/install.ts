import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../errors.js';
import { EngineError } from '../errors.js';

/**
 * The local Spark the product owns: a pinned pyspark from PyPI in a virtual environment of its
 * own (pyspark's wheel carries Spark's jars, the Thrift server's included). Only PyPI is used:
 * Spark downloads nothing at run time.
 */
export const PYSPARK_VERSION = '4.3.0';
const MIN_JAVA = 17;
const MIN_PYTHON: [number, number] = [3, 10];

export interface SparkInstall {
  /** The virtual environment. */
  venv: string;
  /** Spark's own folder inside it (bin/spark-submit, jars/). */
  sparkHome: string;
}

type Env = Record<string, string | undefined>;

/** Where the virtual environment lives: WRAPPED_SPARK_VENV, or a cache folder per version. */
export function sparkVenvDir(env: Env = process.env): string {
  if (env.WRAPPED_SPARK_VENV) return env.WRAPPED_SPARK_VENV;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'wrapped-me', `pyspark-${PYSPARK_VERSION}`);
}

/** The install, when `wrapped engine setup spark` has made it. */
export function findSparkInstall(env: Env = process.env): SparkInstall | undefined {
  const venv = sparkVenvDir(env);
  const lib = join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const sparkHome = join(lib, python, 'site-packages', 'pyspark');
    if (
      existsSync(join(sparkHome, 'bin', 'spark-submit')) &&
      existsSync(join(venv, `.pyspark-${PYSPARK_VERSION}`))
    )
      return { venv, sparkHome };
  }
  return undefined;
}

/** The error a command gives when Spark is asked for but not set up: the one command to run. */
export function sparkNotSetUp(env: Env = process.env): ConfigError {
  return new ConfigError(
    `Spark is not set up (no pyspark ${PYSPARK_VERSION} in ${sparkVenvDir(env)}).`,
    {
      hint: 'Run: wrapped engine setup spark',
    },
  );
}

export interface SetupReport {
  venv: string;
  spark_home: string;
  pyspark: string;
  java: string;
  python: string;
  /** False when the install was already there. */
  installed: boolean;
}

/**
 * Checks Java and Python, then creates the virtual environment and installs pyspark into it
 * (about 500 MB from PyPI). Nothing is left half-installed: a failed install is removed, and the
 * marker that says the install is whole is written last.
 */
export async function setupSpark(
  options: { env?: Env; onLine?: (line: string) => void } = {},
): Promise<SetupReport> {
  const env = options.env ?? process.env;
  const log = options.onLine ?? (() => {});
  const java = await checkJava(env);
  const python = await checkPython(env);
  const existing = findSparkInstall(env);
  if (existing)
    return {
      venv: existing.venv,
      spark_home: existing.sparkHome,
      pyspark: PYSPARK_VERSION,
      java: java.version,
      python: python.version,
      installed: false,
    };
  const venv = sparkVenvDir(env);
  await rm(venv, { recursive: true, force: true });
  await mkdir(venv, { recursive: true });
  try {
    log(`Creating a virtual environment in ${venv}`);
    await runTool(python.command, ['-m', 'venv', venv], env, log);
    log(`Installing pyspark==${PYSPARK_VERSION} from PyPI (about 500 MB)`);
    await runTool(
      join(venv, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--no-input', `pyspark==${PYSPARK_VERSION}`],
      env,
      log,
    );
    await writeFile(join(venv, `.pyspark-${PYSPARK_VERSION}`), `${new Date().toISOString()}\n`);
  } catch (error) {
    await rm(venv, { recursive: true, force: true });
    throw error;
  }
  const install = findSparkInstall(env);
  if (!install) throw new EngineError(`pyspark installed, but no Spark found in ${venv}.`);
  return {
    venv,
    spark_home: install.sparkHome,
    pyspark: PYSPARK_VERSION,
    java: java.version,
    python: python.version,
    installed: true,
  };
}

/** The java Spark will use (JAVA_HOME's, else the PATH's), and its major version. */
export async function checkJava(
  env: Env = process.env,
): Promise<{ command: string; version: string }> {
  const command = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const output = await capture(command, ['-version'], env).catch(() => undefined);
  const version = output && /version "([^"]+)"/.exec(output)?.[1];
  if (!version)
    throw new ConfigError(
      `Spark needs Java ${MIN_JAVA} or newer, and no java was found${env.JAVA_HOME ? ` in JAVA_HOME (${env.JAVA_HOME})` : ' on PATH'}.`,
      {
        hint: 'Install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless), then run: wrapped engine setup spark',
      },
    );
  const major = Number(
    version.startsWith('1.') ? version.split('.')[1] : version.split(/[.+-]/)[0],
  );
  if (!(major >= MIN_JAVA))
    throw new ConfigError(`Spark needs Java ${MIN_JAVA} or newer; ${command} is Java ${version}.`, {
      hint: 'Install a Java 17 runtime and point JAVA_HOME at it, then run: wrapped engine setup spark',
    });
  return { command, version };
}

async function checkPython(env: Env): Promise<{ command: string; version: string }> {
  const command = env.WRAPPED_PYTHON || 'python3';
  const output = await capture(command, ['--version'], env).catch(() => undefined);
  const match = output && /Python (\d+)\.(\d+)(\.\d+)?/.exec(output);
  const wanted = MIN_PYTHON.join('.');
  if (!match)
    throw new ConfigError(
      `Setting up Spark needs Python ${wanted} or newer, and ${command} was not found.`,
      {
        hint: `Install Python ${wanted}+ with its venv module (Debian: apt-get install python3 python3-venv), or set WRAPPED_PYTHON to one.`,
      },
    );
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1]))
    throw new ConfigError(
      `Setting up Spark needs Python ${wanted} or newer; ${command} is ${match[0]}.`,
      {
        hint: `Set WRAPPED_PYTHON to a Python ${wanted}+.`,
      },
    );
  return { command, version: match[0].replace('Python ', '') };
}

/** A command's stdout and stderr together (java prints its version on stderr). */
function capture(command: string, args: string[], env: Env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
  });
}

/** Runs an install step, passing its output on line by line; fails with its last lines. */
function runTool(
  command: string,
  args: string[],
  env: Env,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv });
    const tail: string[] = [];
    const onData = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        log(line);
        tail.push(line);
        if (tail.length > 8) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) =>
      reject(new EngineError(`Could not run ${command}: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new EngineError(
              `${command} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`,
              {
                hint: 'Check that PyPI is reachable (or a pip index is set in PIP_INDEX_URL), then run: wrapped engine setup spark',
                retryable: true,
              },
            ),
          ),
    );
  });
}
