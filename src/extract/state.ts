import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import type { Gap } from './context.js';

/**
 * Per-source state in the lake (`_state/extract/<source>.json`): cursors, snapshots, due times.
 * Each listener pulls on their own: another listener's is `_state/extract/<name>/<source>.json`.
 */
const statePath = (source: string, listener: string) =>
  layout.state(
    listener === DEFAULT_LISTENER ? `extract/${source}.json` : `extract/${listener}/${source}.json`,
  );

export async function readSourceState(
  lake: Lake,
  source: string,
  listener: string = DEFAULT_LISTENER,
): Promise<Record<string, unknown> | undefined> {
  const path = statePath(source, listener);
  if (!(await lake.exists(path))) return undefined;
  return JSON.parse((await lake.get(path)).toString('utf8')) as Record<string, unknown>;
}

export async function writeSourceState(
  lake: Lake,
  source: string,
  state: Record<string, unknown>,
  listener: string = DEFAULT_LISTENER,
): Promise<void> {
  await lake.put(statePath(source, listener), `${JSON.stringify(state, null, 2)}\n`);
}

/** Each gap is its own create-only file: recorded once, never rewritten. */
export async function recordGap(lake: Lake, gap: Gap): Promise<void> {
  await lake.put(layout.state(`gaps/${gap.id}.json`), `${JSON.stringify(gap, null, 2)}\n`, {
    createOnly: true,
  });
}

export async function listGaps(lake: Lake): Promise<Gap[]> {
  const gaps: Gap[] = [];
  for await (const entry of lake.list(layout.statePrefix('gaps'))) {
    if (entry.path.endsWith('.json'))
      gaps.push(JSON.parse((await lake.get(entry.path)).toString('utf8')) as Gap);
  }
  return gaps;
}
