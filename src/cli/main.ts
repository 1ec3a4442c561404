import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isWrappedError } from '../errors.js';
import { registerApi } from './commands/api.js';
import { registerAuth } from './commands/auth.js';
import { registerCheck } from './commands/check.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEngine } from './commands/engine.js';
import { registerExport } from './commands/export.js';
import { registerExtract } from './commands/extract.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerListener } from './commands/listener.js';
import { registerLoads } from './commands/loads.js';
import { registerNotify } from './commands/notify.js';
import { registerPowerBi } from './commands/powerbi.js';
import { registerQuery } from './commands/query.js';
import { registerRecap } from './commands/recap.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerSimulate } from './commands/simulate.js';
import { registerStatus } from './commands/status.js';
import { registerTransform } from './commands/transform.js';
import { currentConfig } from './context.js';
import { onShutdown, shutdown } from './shutdown.js';

/**
 * The `wrapped` command line. Command files are thin and import their heavy modules (DuckDB,
 * the pipeline) only when they run, so `wrapped --help` stays fast.
 */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('wrapped')
    .description(
      'Your Spotify Wrapped, any day of the year: a personal ELT pipeline over your listening data.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(
      new Option(
        '--home <dir>',
        'data folder: tokens, state, warehouse, default lake (env WRAPPED_HOME)',
      ),
    )
    .addOption(
      new Option(
        '--lake <url>',
        'lake location: folder, file://, az://, abfss://, s3:// (env WRAPPED_LAKE)',
      ),
    )
    .addOption(
      new Option(
        '--timezone <iana>',
        'time zone for days, weeks and the clock (env WRAPPED_TIMEZONE)',
      ),
    )
    .addOption(
      new Option(
        '--engine <name>',
        'SQL engine for builds: duckdb (default), spark, databricks (env WRAPPED_ENGINE)',
      ),
    )
    .addOption(new Option('--models <dir>', 'folder of SQL models (env WRAPPED_MODELS)'))
    .option('--json', 'machine-readable output on stdout')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failed, 2 usage or configuration error, 3 data checks failed, 130 interrupted.\n' +
        'Settings come from flags, then the environment, then .env, then HOME/config.json, then defaults.',
    );
  registerInit(program);
  registerAuth(program);
  registerApi(program);
  registerDoctor(program);
  registerEngine(program);
  registerRun(program);
  registerDemo(program);
  registerServe(program);
  registerSchedule(program);
  registerExtract(program);
  registerImport(program);
  registerListener(program);
  registerLoads(program);
  registerPowerBi(program);
  registerQuery(program);
  registerNotify(program);
  registerExport(program);
  registerRecap(program);
  registerCompare(program);
  registerSimulate(program);
  registerStatus(program);
  registerTransform(program);
  registerCheck(program);
  const override = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().showSuggestionAfterError(true);
      override(sub);
    }
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `wrapped ... | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  // Locks taken in the lake by this process (a run, the scheduler) are let go on the way out.
  onShutdown(async () => (await import('../lake/lock.js')).releaseAllLocks());
  const onSignal = () => void shutdown(ExitCode.interrupted);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportError(error, argv.includes('--json'));
  }
}

function reportError(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    if (error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  const redact = (text: string) => currentConfig()?.redact(text) ?? text;
  if (isWrappedError(error)) {
    if (json && !error.resultPrinted) {
      process.stdout.write(
        `${JSON.stringify({ error: { type: error.name, message: redact(error.message), hint: error.hint ?? null, exit_code: error.exitCode } })}\n`,
      );
    }
    process.stderr.write(`error: ${redact(error.message)}\n`);
    if (error.hint) process.stderr.write(`hint: ${redact(error.hint)}\n`);
    return error.exitCode;
  }
  // A bug, not an expected outcome: show the stack so it can be reported.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`unexpected error: ${redact(text)}\n`);
  return ExitCode.failed;
}
