import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { openStateStores } from '../state/stores.js';

const SPOTIFY_ACCOUNTS_HOST = 'accounts.spotify.com';
const RECHECK_MS = 60_000;

/**
 * Pictures live on Spotify's image CDN: showing one is a request to a third party, made by the
 * browser with the user's address. So the dashboard hands picture URLs out only when the user
 * has logged in to Spotify itself (a login is kept, against accounts.spotify.com). Someone who
 * only imported an export, or runs the demo against the simulator, sees placeholders instead.
 * Asked again at most once a minute: the login can appear or go while the server runs.
 */
export function remoteImagePolicy(
  config: Config,
  lake: Lake,
  hasLogin: () => Promise<boolean> = async () =>
    (await openStateStores(config, lake).tokens.read()) !== undefined,
): () => Promise<boolean> {
  if (new URL(config.settings.spotifyAccountsUrl).hostname !== SPOTIFY_ACCOUNTS_HOST)
    return async () => false;
  let checked: { at: number; allowed: Promise<boolean> } | undefined;
  return () => {
    const now = Date.now();
    if (checked === undefined || now - checked.at > RECHECK_MS)
      // A login that cannot be read (a wrong state key, a vault out of reach) shows no pictures.
      checked = { at: now, allowed: hasLogin().catch(() => false) };
    return checked.allowed;
  };
}
