import type { Lake } from '../lake/lake.js';
import { LoadLedger } from '../lake/ledger.js';
import { DEFAULT_LISTENER, readListeners, saveListener } from './registry.js';

/**
 * A lake made before listeners (release 0.1.0) has no registry and its loads name nobody: they
 * are all `me`'s, which is what every build reads them as, so nothing in the lake needs
 * rewriting. Writing the registry down names `me`'s Spotify account (from the newest profile
 * the API poller landed), so that adding a second listener can refuse the same account twice.
 * The tables gain `listener_id` at the next `wrapped transform`, which rebuilds every model whose
 * SQL changed.
 */
export async function writeRegistryOfOldLake(
  lake: Lake,
): Promise<{ written: boolean; account?: string }> {
  if ((await readListeners(lake)).stored) return { written: false };
  const profile = await newestProfile(lake);
  await saveListener(lake, {
    id: DEFAULT_LISTENER,
    spotify_user_id: profile?.id,
    display_name: profile?.display_name,
  });
  return { written: true, account: profile?.display_name ?? profile?.id };
}

/** The newest /me response landed for `me`, if the API poller ever ran. */
async function newestProfile(
  lake: Lake,
): Promise<{ id?: string; display_name?: string } | undefined> {
  let newest: { loadId: string; path: string } | undefined;
  for await (const entry of new LoadLedger(lake).entries()) {
    if (entry.kind !== 'extract' || entry.source !== 'profile') continue;
    if ((entry.listener_id ?? DEFAULT_LISTENER) !== DEFAULT_LISTENER) continue;
    const file = entry.files[0];
    if (file && (newest === undefined || entry.load_id > newest.loadId))
      newest = { loadId: entry.load_id, path: file.path };
  }
  if (newest === undefined) return undefined;
  try {
    const envelope = JSON.parse((await lake.get(newest.path)).toString()) as {
      body?: { id?: unknown; display_name?: unknown };
    };
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
    return { id: text(envelope.body?.id), display_name: text(envelope.body?.display_name) };
  } catch {
    return undefined; // an unreadable profile names no account; the registry is still right
  }
}
