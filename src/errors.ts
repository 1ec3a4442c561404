/**
 * Typed errors that know their exit code (DESIGN.md: 0 ok, 1 failed, 2 usage or configuration,
 * 3 data checks failed, 130 interrupted) and whether trying again later could help.
 * The CLI prints `message` and, when present, `hint` (what to do next); it never prints a stack
 * for these, because they are expected outcomes rather than bugs.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  checksFailed: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface WrappedErrorOptions {
  hint?: string;
  retryable?: boolean;
  cause?: unknown;
  /** The command already printed its --json result (e.g. failed checks); print no error object. */
  resultPrinted?: boolean;
}

export class WrappedError extends Error {
  readonly exitCode: ExitCode = ExitCode.failed;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly resultPrinted: boolean;

  constructor(message: string, options: WrappedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.resultPrinted = options.resultPrinted ?? false;
  }
}

/** Bad command-line usage: unknown flag, missing argument. */
export class UsageError extends WrappedError {
  override readonly exitCode = ExitCode.usage;
}

/** A setting with a wrong value, or a setting a command needs that is missing. */
export class ConfigError extends WrappedError {
  override readonly exitCode = ExitCode.usage;
}

/** A lake path that would leave the lake, or is otherwise malformed. */
export class LakePathError extends WrappedError {}

/** A create-only write found something already at the path. */
export class LakeConflictError extends WrappedError {}

/** A read of a path that does not exist. */
export class LakeNotFoundError extends WrappedError {}

/** A model folder that cannot be built: bad header, unknown dependency, cycle. */
export class ModelError extends WrappedError {}

/** One or more data checks found failing rows. */
export class ChecksFailedError extends WrappedError {
  override readonly exitCode = ExitCode.checksFailed;
}

/** The user pressed Ctrl-C or the process got SIGTERM. */
export class InterruptedError extends WrappedError {
  override readonly exitCode = ExitCode.interrupted;
}

export function isWrappedError(error: unknown): error is WrappedError {
  return error instanceof WrappedError;
}
