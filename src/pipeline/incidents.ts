import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import type { Message } from '../notify/message.js';
import type { RunRecord } from './run-record.js';

/**
 * Incidents turn run records into few, meaningful messages: an incident opens once (one
 * message), stays open while its cause lasts (no message per hourly run), and closing it sends
 * a recovery message where the user was told something was wrong.
 */
export interface Incident {
  key: string;
  kind: 'run_failed' | 'login_required' | 'token_expiring' | 'checks_failed' | 'rate_limited';
  opened_at: string;
  run_id: string;
  summary: string;
}

interface IncidentState {
  open: Record<string, Incident>;
  /** Gaps already announced (gaps are facts, not conditions: announced once, never closed). */
  announced_gaps: string[];
}

const FILE = layout.state('incidents.json');
const SIX_HOURS = 6 * 3_600_000;

export async function readIncidents(lake: Lake): Promise<IncidentState> {
  if (!(await lake.exists(FILE))) return { open: {}, announced_gaps: [] };
  return JSON.parse((await lake.get(FILE)).toString('utf8')) as IncidentState;
}

export interface LoginInfo {
  days_left: number;
  authorized_at: string;
}

/** Updates the incidents from a finished run; returns the messages to send. */
export async function updateIncidents(
  lake: Lake,
  run: RunRecord,
  login: LoginInfo | undefined,
): Promise<{ messages: Message[]; opened: string[]; closed: string[] }> {
  const state = await readIncidents(lake);
  const before = JSON.stringify(state);
  const messages: Message[] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const now = Date.parse(run.now);
  const open = (incident: Omit<Incident, 'opened_at' | 'run_id'>, message: Message) => {
    if (state.open[incident.key]) return;
    state.open[incident.key] = { ...incident, opened_at: run.now, run_id: run.run_id };
    opened.push(incident.key);
    messages.push(message);
  };
  const close = (key: string, message?: (incident: Incident) => Message) => {
    const incident = state.open[key];
    if (!incident) return;
    delete state.open[key];
    closed.push(key);
    if (message) messages.push(message(incident));
  };

  const loginLost = run.error?.type === 'ReauthRequired' || run.error?.type === 'NotLoggedIn';
  // Whose login, when it is not `me`'s (a household: src/listeners).
  const otherListener =
    run.error?.listener !== undefined && run.error.listener !== DEFAULT_LISTENER
      ? run.error.listener
      : undefined;
  if (loginLost) {
    open(
      { key: 'login_required', kind: 'login_required', summary: run.error?.message ?? '' },
      {
        kind: 'login_required',
        severity: 'error',
        title: `wrapped-me: Spotify login required${otherListener ? ` (${otherListener})` : ''}`,
        lines: [
          run.error?.message ?? 'Spotify no longer accepts the saved login.',
          otherListener
            ? `Runs cannot reach Spotify for ${otherListener} until they log in again; the other listeners' runs go on, and what was landed is safe.`
            : 'Runs cannot reach Spotify until you log in again; your export and what was landed are safe.',
        ],
        hint: otherListener
          ? `Run \`wrapped listener add ${otherListener}\` on the machine that runs wrapped-me, and let ${otherListener} log in.`
          : 'Run `wrapped auth login` on the machine that runs wrapped-me.',
      },
    );
  } else if (run.stages.extract && run.stages.extract.status !== 'failed') {
    close('login_required', () => ({
      kind: 'recovered',
      severity: 'ok',
      title: 'wrapped-me: logged in again',
      lines: ['Runs reach Spotify again.'],
    }));
  }

  if (run.status === 'failed' && !loginLost && run.error) {
    open(
      {
        key: 'run_failed',
        kind: 'run_failed',
        summary: `${run.error.stage}: ${run.error.message}`,
      },
      {
        kind: 'run_failed',
        severity: 'error',
        title: 'wrapped-me: the pipeline run failed',
        lines: [`Stage: ${run.error.stage}`, `Error: ${run.error.message}`],
        facts: [
          { label: 'Run', value: run.run_id },
          { label: 'Failing since', value: run.now },
        ],
        hint: run.error.hint,
      },
    );
  } else if (run.status !== 'failed') {
    close('run_failed', (incident) => ({
      kind: 'recovered',
      severity: 'ok',
      title: 'wrapped-me: runs work again',
      lines: [
        `The run ${run.run_id} succeeded.`,
        `It had failed since ${incident.opened_at} (${incident.summary}).`,
      ],
    }));
  }

  if (run.status === 'checks_failed') {
    const failures = run.stages.check?.failures ?? [];
    open(
      {
        key: 'checks_failed',
        kind: 'checks_failed',
        summary: failures.map((f) => `${f.model} ${f.check}`).join('; '),
      },
      {
        kind: 'checks_failed',
        severity: 'warning',
        title: 'wrapped-me: a data check failed',
        lines: failures
          .slice(0, 10)
          .map((f) => `${f.model} ${f.check}: ${f.error ?? `${f.failing} rows fail`}`),
        hint: 'Look at the rows with `wrapped query`; `wrapped check` lists every check.',
      },
    );
  } else if (run.stages.check?.status === 'ok') {
    close('checks_failed', () => ({
      kind: 'recovered',
      severity: 'ok',
      title: 'wrapped-me: data checks pass again',
      lines: [`Run ${run.run_id}.`],
    }));
  }

  if (login && login.days_left < 14) {
    open(
      {
        key: `token_expiring:${login.authorized_at}`,
        kind: 'token_expiring',
        summary: `${login.days_left} days left`,
      },
      {
        kind: 'token_expiring',
        severity: 'warning',
        title: `wrapped-me: log in again within ${login.days_left} days`,
        lines: [
          `Spotify ends every login six months after it was made; yours ends in ${login.days_left} days.`,
        ],
        hint: 'Run `wrapped auth login` before then; nothing is lost meanwhile.',
      },
    );
  }
  for (const key of Object.keys(state.open)) {
    if (
      key.startsWith('token_expiring:') &&
      (!login || key !== `token_expiring:${login.authorized_at}` || login.days_left >= 14)
    )
      close(key);
  }

  const blockedUntil = run.stages.extract?.blocked_until;
  if (blockedUntil && Date.parse(blockedUntil) - now > SIX_HOURS) {
    open(
      { key: 'rate_limited', kind: 'rate_limited', summary: `until ${blockedUntil}` },
      {
        kind: 'rate_limited',
        severity: 'warning',
        title: 'wrapped-me: Spotify asked to wait more than 6 hours',
        lines: [
          `No API calls until ${blockedUntil}. Plays older than the last 50 by then cannot be fetched from the API.`,
        ],
        hint: 'Nothing to do now; your next data export fills any gap.',
      },
    );
  } else if (!blockedUntil) {
    close('rate_limited');
  }

  for (const gap of run.stages.extract?.gaps ?? []) {
    if (state.announced_gaps.includes(gap.id)) continue;
    state.announced_gaps.push(gap.id);
    messages.push({
      kind: 'gap_detected',
      severity: 'warning',
      title: 'wrapped-me: plays were missed',
      lines: [`Plays between ${gap.from} and ${gap.to} could not be fetched: ${gap.reason}.`],
      hint: 'Your next data export covers them; run wrapped-me at least hourly.',
    });
  }

  // Most hours change nothing: no write then (a missing file reads as no incident).
  if (JSON.stringify(state) !== before) await lake.put(FILE, `${JSON.stringify(state, null, 2)}\n`);
  return { messages, opened, closed };
}
