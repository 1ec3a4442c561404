import { redactValues, urlSecrets } from '../config/load.js';
import type { Message } from './message.js';
import { renderSlack } from './slack.js';

export interface SendResult {
  ok: boolean;
  /** Why it failed, without the URL (the URL is a secret). */
  error?: string;
}

/**
 * Posts a message to a Slack incoming webhook. Never throws: a failing webhook must not fail the
 * run; the caller records the failure and tries again with the next message.
 */
export async function sendToWebhook(
  url: string,
  message: Message,
  timeoutMs = 10_000,
): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(renderSlack(message)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.ok) return { ok: true };
    // An endpoint may echo the URL or its path (the secret part) back in its error.
    const said = redactValues(text.slice(0, 300), urlSecrets(url)).slice(0, 100);
    return { ok: false, error: `the webhook answered ${response.status} ${said}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      error: `the webhook could not be reached (${cause ?? (error as Error).name})`,
    };
  }
}
