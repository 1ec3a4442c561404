/**
 * Retry-After (RFC 9110 §10.2.3) is either a number of seconds or an HTTP date. Spotify sends
 * seconds, but a proxy may send a date, and a broken one anything at all: an absurd value must
 * not block the app for centuries (or overflow a Date), so waits are capped, and the cap said.
 */

/** The longest block honoured: Spotify's own long bans last about a day. */
export const MAX_RETRY_AFTER_SECONDS = 2 * 24 * 3600;
/** When the header is missing or unreadable. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

export interface RetryAfter {
  seconds: number;
  /** What the server asked for, when it was more than the cap (in seconds). */
  cappedFrom?: number;
}

export function parseRetryAfter(header: string | null, now: number): RetryAfter {
  const text = header?.trim() ?? '';
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    const at = Date.parse(text);
    seconds = Number.isNaN(at)
      ? DEFAULT_RETRY_AFTER_SECONDS
      : Math.max(0, Math.ceil((at - now) / 1000));
  } else seconds = DEFAULT_RETRY_AFTER_SECONDS;
  if (!Number.isFinite(seconds) || seconds > MAX_RETRY_AFTER_SECONDS)
    return { seconds: MAX_RETRY_AFTER_SECONDS, cappedFrom: seconds };
  return { seconds };
}
