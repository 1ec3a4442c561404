import type { Config } from '../config/load.js';
import { type ExtractReport, runExtract, type SourceReport } from '../extract/extract.js';
import type { Lake } from '../lake/lake.js';
import { readListeners } from '../listeners/registry.js';
import { spotifyClient } from '../spotify/login.js';
import { openStateStores } from '../state/stores.js';
import type { RunRecord } from './run-record.js';

type ExtractStage = NonNullable<RunRecord['stages']['extract']>;

/**
 * A run's extract: every listener of the lake in turn (src/listeners), each with their own
 * login and cursors. One listener's lost login does not stop the others; the rate-limit block
 * is the app's (Spotify counts the app's requests), so once Spotify says wait, every pull
 * waits. Returns the stage for the run record (its `seconds` are the caller's), and either the
 * first error that stopped a listener's pull (`lost`, naming the listener in a household) or
 * the failure of sources that did run.
 */
export async function extractEveryListener(options: {
  config: Config;
  lake: Lake;
  now: Date;
  client?: { backoffMs?: number; attempts?: number };
}): Promise<{
  stage: Omit<ExtractStage, 'seconds'>;
  lost?: { listener?: string; error: unknown };
  failure?: RunRecord['error'];
}> {
  const { config, lake, now } = options;
  let ids: string[];
  try {
    ids = (await readListeners(lake)).listeners.map((l) => l.id);
  } catch (error) {
    // A damaged registry: no listener is pulled rather than only some, and the run says why.
    return { stage: emptyStage('failed'), lost: { error } };
  }
  const household = ids.length > 1;
  const pulls: Array<{ listener: string; report?: ExtractReport; error?: unknown }> = [];
  for (const id of ids) {
    try {
      const client = spotifyClient(config, { now: () => now.getTime(), ...options.client }, id);
      const report = await runExtract({
        lake,
        client,
        blocks: openStateStores(config, lake).blocks,
        now,
        listener: id,
      });
      pulls.push({ listener: id, report });
    } catch (error) {
      pulls.push({ listener: id, error });
    }
  }
  const reports = pulls.flatMap((p) => (p.report ? [p.report] : []));
  const sources = pulls.flatMap((p) =>
    (p.report?.sources ?? []).map((s) => (household ? { ...s, listener: p.listener } : s)),
  );
  const thrown = pulls.find((p) => p.error !== undefined);
  const failed = sources.filter((s) => s.status === 'failed');
  const stage: Omit<ExtractStage, 'seconds'> = {
    status: failed.length > 0 || thrown ? 'failed' : 'ok',
    requests: reports.reduce((n, r) => n + r.requests, 0),
    rate_limited: reports.reduce((n, r) => n + (r.rate_limited ?? 0), 0),
    sources,
    blocked_until: reports.map((r) => r.blocked_until).find((b) => b !== null) ?? null,
    gaps: sources.flatMap((s) => s.gaps ?? []),
    ...(household ? { listeners: pulls.map((p) => pullSummary(config, p)) } : {}),
  };
  if (thrown)
    return {
      stage,
      lost: { listener: household ? thrown.listener : undefined, error: thrown.error },
    };
  if (failed.length === 0) return { stage };
  const first = failed[0];
  const all = failed.length === sources.filter((s) => s.status !== 'skipped').length;
  const whose = (s: SourceReport) => (household ? `${s.listener} ${s.source}` : s.source);
  return {
    stage,
    failure: {
      stage: 'extract',
      type: first?.error?.type ?? 'Error',
      message: `${failed.length} source${failed.length === 1 ? '' : 's'} failed (${failed.map(whose).join(', ')}): ${first?.error?.message ?? ''}`,
      hint:
        first?.error?.retryable || all
          ? 'Spotify had trouble; the next run tries again. Nothing already landed is lost.'
          : 'Run `wrapped extract` by hand to see the details.',
    },
  };
}

function emptyStage(status: 'ok' | 'failed'): Omit<ExtractStage, 'seconds'> {
  return { status, requests: 0, sources: [], blocked_until: null, gaps: [] };
}

/** How one listener's pull went, for the run record of a household. */
function pullSummary(
  config: Config,
  pull: { listener: string; report?: ExtractReport; error?: unknown },
): NonNullable<ExtractStage['listeners']>[number] {
  const failed =
    pull.error !== undefined || pull.report?.sources.some((s) => s.status === 'failed');
  return {
    listener: pull.listener,
    status: failed ? 'failed' : 'ok',
    ...(pull.error === undefined
      ? {}
      : {
          error: {
            type: (pull.error as Error).name,
            message: config.redact((pull.error as Error).message),
          },
        }),
  };
}
