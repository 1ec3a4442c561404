import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './helpers.js';

/**
 * The extended-2022-endsong sample read straight from its file, for figures recomputed apart
 * from the product's SQL.
 */
export const ENDSONG = join(
  REPO,
  '..',
  'shared',
  'samples',
  'extended-2022-endsong',
  'endsong.json',
);

type StreamRecord = Record<string, unknown>;

/**
 * Its streams: records that ended at the same second, of the same thing, for as long, are one
 * stream (the sample holds one record twice byte for byte, and two 23 ms records of one song
 * that differ only in how they ended).
 */
export function endsongStreams(): StreamRecord[] {
  const records = JSON.parse(readFileSync(ENDSONG, 'utf8')) as StreamRecord[];
  const what = (r: StreamRecord) =>
    r.spotify_track_uri ??
    r.spotify_episode_uri ??
    `${r.master_metadata_album_artist_name}/${r.master_metadata_track_name}/${r.episode_name}`;
  return [...new Map(records.map((r) => [`${r.ts}|${what(r)}|${r.ms_played}`, r])).values()];
}

/** Music plays (30 s or more) and minutes (2 decimals) per year of a time zone. */
export function musicByYear(
  streams: StreamRecord[],
  timeZone: string,
): Map<string, { plays: number; minutes: number }> {
  const year = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' });
  const years = new Map<string, { plays: number; ms: number }>();
  for (const r of streams) {
    if (r.master_metadata_track_name == null && r.spotify_track_uri == null) continue;
    const y = year.format(new Date(String(r.ts)));
    const sum = years.get(y) ?? { plays: 0, ms: 0 };
    sum.ms += Number(r.ms_played);
    if (Number(r.ms_played) >= 30000) sum.plays++;
    years.set(y, sum);
  }
  return new Map(
    [...years].map(([y, s]) => [y, { plays: s.plays, minutes: Math.round(s.ms / 600) / 100 }]),
  );
}
