import type { Lake } from '../../src/lake/lake.js';
import { LoadLedger } from '../../src/lake/ledger.js';

/** The distinct (track id, played_at) pairs in every ledgered recently-played file. */
export async function landedPlays(lake: Lake): Promise<Set<string>> {
  const plays = new Set<string>();
  for await (const entry of new LoadLedger(lake).entries()) {
    if (entry.source !== 'recently_played') continue;
    for (const file of entry.files) {
      const envelope = JSON.parse((await lake.get(file.path)).toString()) as {
        body: { items: Array<{ played_at: string; track: { id: string } }> };
      };
      for (const item of envelope.body.items) plays.add(`${item.track.id}|${item.played_at}`);
    }
  }
  return plays;
}
