import { ExitCode, WrappedError, type WrappedErrorOptions } from '../errors.js';
import { MAX_RETRY_AFTER_SECONDS } from './retry-after.js';

/** The refresh token is expired or revoked: only a new login helps. Never retried. */
export class ReauthRequired extends WrappedError {
  constructor(reason: string, options: WrappedErrorOptions = {}) {
    super(`Spotify no longer accepts the saved login (${reason}).`, {
      hint: 'Run `wrapped auth login` to connect your account again. Refresh tokens expire six months after login.',
      ...options,
    });
  }
}

/** Spotify asked us to wait; `until` is when calls may resume. No request is made before then. */
export class RateLimited extends WrappedError {
  override readonly exitCode = ExitCode.failed;
  constructor(
    readonly until: Date,
    readonly quota: boolean,
    /** The Retry-After Spotify sent, in seconds, when it was beyond the cap and was capped. */
    readonly cappedFrom?: number,
  ) {
    super(
      quota
        ? `Spotify's daily quota for this app is spent; calls resume at ${until.toISOString()}.`
        : `Spotify rate-limited this app; calls resume at ${until.toISOString()}${cappedFrom === undefined ? '' : ` (it asked to wait ${cappedFrom.toExponential(2)} s, capped at ${MAX_RETRY_AFTER_SECONDS / 3600} hours)`}.`,
      { retryable: true, hint: 'Nothing is lost: the next run after that time catches up.' },
    );
  }
}

/** 403: not allowed (no Premium owner, user not allow-listed, endpoint gone for dev mode, not your playlist). */
export class SpotifyForbidden extends WrappedError {}

/** 404: no such object, or a removed endpoint. */
export class SpotifyNotFound extends WrappedError {}

/** 5xx, timeouts, dropped connections and garbled bodies, after the retries ran out. */
export class SpotifyUnavailable extends WrappedError {
  constructor(message: string, options: WrappedErrorOptions = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** Any other unexpected answer (a 400, a response that does not have the shape it must have). */
export class SpotifyProtocolError extends WrappedError {}

/**
 * The place the login is kept (HOME, the lake, Key Vault) failed to give or take it. Every
 * source would fail the same way, so an extract stops at the first. Keeps the store's own
 * message and hint (which role is missing, which key is wrong).
 */
export class LoginStoreFailed extends WrappedError {
  override readonly exitCode: ExitCode;
  constructor(readonly storeError: WrappedError) {
    super(storeError.message, {
      retryable: storeError.retryable,
      hint: storeError.hint,
      cause: storeError,
    });
    this.exitCode = storeError.exitCode;
  }
}

/** The user has not logged in yet. */
export class NotLoggedIn extends WrappedError {
  override readonly exitCode = ExitCode.usage;
  constructor() {
    super('No Spotify login is saved yet.', {
      hint: 'Run `wrapped auth login` (or `wrapped init` to set everything up).',
    });
  }
}
