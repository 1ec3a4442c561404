/**
 * The real samples through import and transform: per year minutes, plays, distinct tracks and
 * artists, and the top 5 artists and tracks, against the same figures computed here straight
 * from the JSON files (UTC years; a play is 30 s or more; exact duplicate records count once).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, tempDir, wrapped } from './support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');

interface Stream {
  year: string;
  key: string; // identity of the stream, for exact duplicates
  track: string | null; // track identity (URI, else artist/name)
  trackName: string | null;
  artist: string | null;
  ms: number;
}

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(folder, e.name)) : [join(folder, e.name)],
  );
}

function streamsOf(folder: string): Stream[] {
  const out: Stream[] = [];
  for (const file of files(folder)) {
    const name = file.split('/').pop() as string;
    const rows = JSON.parse(readFileSync(file, 'utf8'));
    if (/^(Streaming_History_|endsong)/.test(name)) {
      for (const r of rows) {
        const isTrack = Boolean(r.spotify_track_uri || r.master_metadata_track_name);
        const track = isTrack
          ? (r.spotify_track_uri ??
            `name:${r.master_metadata_album_artist_name ?? ''}/${r.master_metadata_track_name}`)
          : null;
        out.push({
          year: r.ts.slice(0, 4),
          key: JSON.stringify([
            r.ts,
            r.spotify_track_uri ||
              r.spotify_episode_uri ||
              `${r.master_metadata_album_artist_name}/${r.master_metadata_track_name}/${r.episode_show_name}/${r.episode_name}`,
            r.ms_played,
          ]),
          track,
          trackName: isTrack ? r.master_metadata_track_name : null,
          artist: isTrack ? r.master_metadata_album_artist_name : null,
          ms: r.ms_played,
        });
      }
    } else if (/^StreamingHistory\d+\.json$/.test(name)) {
      for (const r of rows) {
        out.push({
          year: r.endTime.slice(0, 4),
          key: JSON.stringify([r.endTime, r.artistName, r.trackName, r.msPlayed]),
          track: `name:${r.artistName}/${r.trackName}`,
          trackName: r.trackName,
          artist: r.artistName,
          ms: r.msPlayed,
        });
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((s) => {
    if (seen.has(s.key)) return false;
    seen.add(s.key);
    return true;
  });
}

function expected(streams: Stream[]) {
  const years = [...new Set(streams.map((s) => s.year))].sort();
  const music = streams.filter((s) => s.track !== null);
  const plays = music.filter((s) => s.ms >= 30_000);
  const top = (items: Stream[], by: (s: Stream) => string | null) => {
    const counts = new Map<string, { plays: number; ms: number }>();
    for (const s of items) {
      const k = by(s);
      if (k === null) continue;
      const c = counts.get(k) ?? { plays: 0, ms: 0 };
      c.ms += s.ms;
      if (s.ms >= 30_000) c.plays++;
      counts.set(k, c);
    }
    return [...counts.entries()]
      .sort(([ka, a], [kb, b]) => b.plays - a.plays || b.ms - a.ms || (ka < kb ? -1 : 1))
      .slice(0, 5)
      .map(([k, c]) => [k, c.plays]);
  };
  return years.map((year) => {
    const inYear = music.filter((s) => s.year === year);
    const playsInYear = plays.filter((s) => s.year === year);
    return {
      year,
      minutes: Math.round((inYear.reduce((n, s) => n + s.ms, 0) / 60_000) * 100) / 100,
      plays: playsInYear.length,
      unique_tracks: new Set(playsInYear.map((s) => s.track)).size,
      unique_artists: new Set(playsInYear.map((s) => s.artist).filter((a) => a !== null)).size,
      top_artists: top(inYear, (s) => s.artist),
      top_tracks: top(inYear, (s) => s.track),
    };
  });
}

describe('transform: the real samples, checked against the JSON', () => {
  for (const sample of ['extended-2026-a', 'extended-2022-endsong', 'basic-2022']) {
    it(sample, async () => {
      const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'UTC' };
      assert.equal((await wrapped(['import', join(SAMPLES, sample)], { env })).code, 0);
      const built = await wrapped(['transform'], { env });
      assert.equal(built.code, 0, built.stderr);
      const checks = await wrapped(['check'], { env });
      assert.equal(checks.code, 0, checks.stdout);
      const query = async (sql: string) =>
        JSON.parse((await wrapped(['query', sql, '--json'], { env })).stdout) as Array<
          Record<string, unknown>
        >;
      const years = await query(
        'SELECT year, minutes, plays, unique_tracks, unique_artists FROM gold.wrapped_year ORDER BY year',
      );
      const artists = await query(
        "SELECT period, artist_name, plays FROM gold.agg_top_artists WHERE rank <= 5 AND period <> 'all' ORDER BY period, rank",
      );
      const tracks = await query(
        "SELECT period, track_key, plays FROM gold.agg_top_tracks WHERE rank <= 5 AND period <> 'all' ORDER BY period, rank",
      );
      const got = years.map((y) => ({
        ...y,
        top_artists: artists
          .filter((a) => a.period === y.year)
          .map((a) => [a.artist_name, a.plays]),
        top_tracks: tracks.filter((t) => t.period === y.year).map((t) => [t.track_key, t.plays]),
      }));
      const want = expected(streamsOf(join(SAMPLES, sample)));
      assert.deepEqual(got, want);
      // The terminal recap reads the same gold tables.
      const last = want.filter((y) => y.plays > 0).at(-1);
      const recap = JSON.parse((await wrapped(['recap', '--json'], { env })).stdout);
      assert.equal(recap.year, last?.year);
      assert.equal(recap.plays, last?.plays);
      assert.deepEqual(
        recap.top_artists.map((a: { artist_name: string }) => a.artist_name),
        last?.top_artists.map(([name]) => name),
      );
    });
  }
});
