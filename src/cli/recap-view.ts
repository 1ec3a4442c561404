import type { Recap } from '../pipeline/recap.js';
import type { Difference, SpotifyWrapped } from '../pipeline/spotify-wrapped.js';
import type { Output } from './output.js';

/** The recap as the terminal shows it (`wrapped recap`, and the end of `wrapped demo`). */
export function printRecap(out: Output, recap: Recap): void {
  const n = (v: unknown) => Number(v ?? 0).toLocaleString('en-US');
  const title = recap.year
    ? `Your ${recap.period} in music`
    : `Your music, ${recap.period.replace('..', ' to ')}`;
  out.print(out.color.bold(title));
  out.print(
    `  ${n(Math.round(recap.minutes))} minutes listened${recap.has_estimated_minutes ? ' (some estimated from the API)' : ''}, ${n(recap.plays)} plays`,
  );
  out.print(
    `  ${n(recap.unique_tracks)} different songs by ${n(recap.unique_artists)} artists; ${n(Math.round(recap.podcast_minutes))} minutes of podcasts`,
  );
  if (recap.unidentified_minutes > 0)
    out.print(
      `  ${n(Math.round(recap.unidentified_minutes))} minutes of unidentified listening (streams Spotify no longer names), not counted above`,
    );
  const y = recap.year;
  if (y) {
    const hour = `${String(y.peak_hour).padStart(2, '0')}:00`;
    out.print(
      `  Peak hour ${hour}; biggest day ${y.most_played_day} (${n(Math.round(Number(y.most_played_day_minutes)))} min); longest streak ${n(y.longest_streak_days)} days; ${n(y.new_artists)} new artists`,
    );
  }
  const list = <T extends { plays: number }>(
    heading: string,
    rows: T[],
    name: (r: T) => string,
  ) => {
    if (rows.length === 0) return;
    out.print(`\n  ${heading}`);
    for (const [i, r] of rows.entries())
      out.print(`    ${i + 1}. ${name(r)}  ${out.color.dim(`${n(r.plays)} plays`)}`);
  };
  list('Top artists', recap.top_artists, (r) => String(r.artist_name));
  list('Top songs', recap.top_tracks, (r) => `${r.track_name} - ${r.artist_name ?? '?'}`);
  list('Top albums', recap.top_albums, (r) => `${r.album_name} - ${r.artist_name ?? '?'}`);
  if (recap.spotify) printSpotify(out, recap.spotify, recap.differences ?? []);
}

/** Spotify's own Wrapped (WrappedYYYY.json) beside ours: the figures, the differences, why. */
function printSpotify(out: Output, spotify: SpotifyWrapped, differences: Difference[]): void {
  const n = (v: number | null) => (v === null ? '?' : Math.round(v).toLocaleString('en-US'));
  out.print(out.color.bold(`\nSpotify's own Wrapped ${spotify.year} (from your export)`));
  const songs = spotify.top_tracks.map(
    (t) =>
      `    ${t.rank}. ${t.name ?? out.color.dim(t.uri)}${t.artist_name ? ` - ${t.artist_name}` : ''}${t.plays === null ? '' : `  ${out.color.dim(`${n(t.plays)} plays (here: ${n(t.our_plays)})`)}`}`,
  );
  if (songs.length > 0) out.print(['  Top songs', ...songs].join('\n'));
  const artists = spotify.top_artists.map((a) => `${a.rank}. ${a.name ?? a.uri}`);
  if (artists.length > 0) out.print(`  Top artists: ${artists.join(', ')}`);
  for (const d of differences) {
    out.print(`  ${d.label}: Spotify ${n(d.spotify)}, here ${n(d.ours)}`);
    out.print(`    ${out.color.dim(d.reason)}`);
  }
  const only = Object.entries(spotify.only_spotify);
  if (only.length > 0)
    out.print(
      `  Only Spotify has: ${only.map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`).join(', ')}`,
    );
}
