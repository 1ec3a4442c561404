/**
 * The real samples through import and transform: per year minutes, plays, distinct tracks and
 * artists, unidentified minutes, and the top 5 artists and tracks, against the same figures
 * computed here straight from the JSON files (UTC years; a play is 30 s or more; exact
 * duplicate records count once; a stream Spotify no longer names, "Unknown Artist" /
 * "Unknown Track" in account data or no metadata at all in the extended history, is not music
 * and its minutes are counted apart).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { exportCutoff, exportEntries } from '../src/simulator/export.js';
import { World } from '../src/simulator/world.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');

interface Stream {
  year: string;
  ts: string; // when the stream ended, ISO UTC (to the minute for account data)
  key: string; // identity of the stream, for exact duplicates
  track: string | null; // track identity (URI, else artist/name)
  trackName: string | null;
  artist: string | null;
  ms: number;
  /** A stream Spotify can no longer name. */
  unidentified: boolean;
  /** Which part of the export: the extended history, or account data (to the minute). */
  source: 'extended' | 'account';
  /** The names as the file gives them, for pairing the two sources. */
  names: string;
}

/** Account data's name for what it can no longer name, in any casing. */
const unnamed = (artist: string | null, track: string | null) =>
  artist?.trim().toLowerCase() === 'unknown artist' &&
  track?.trim().toLowerCase() === 'unknown track';

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(folder, e.name))
      : e.name.endsWith('.json')
        ? [join(folder, e.name)]
        : [],
  );
}

/**
 * Names to URIs, as the dimensions link them: every (artist, title) seen with a URI anywhere in
 * the export (streams, playlists, the library) takes the URI seen most often, then the smallest.
 */
function uriLinks(folder: string): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  const see = (artist: string | null, title: string | null, uri: string | null) => {
    if (!title || !uri) return;
    const names = JSON.stringify([artist ?? '', title]);
    const byUri = counts.get(names) ?? new Map<string, number>();
    byUri.set(uri, (byUri.get(uri) ?? 0) + 1);
    counts.set(names, byUri);
  };
  for (const file of files(folder)) {
    const name = file.split('/').pop() as string;
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    if (/^(Streaming_History_|endsong)/.test(name)) {
      for (const r of doc)
        see(r.master_metadata_album_artist_name, r.master_metadata_track_name, r.spotify_track_uri);
    } else if (/^Playlist\d+\.json$/.test(name)) {
      for (const p of doc.playlists)
        for (const i of p.items ?? [])
          see(i.track?.artistName, i.track?.trackName, i.track?.trackUri);
    } else if (name === 'YourLibrary.json') {
      for (const t of doc.tracks ?? []) see(t.artist, t.track, t.uri);
    }
  }
  const links = new Map<string, string>();
  for (const [names, byUri] of counts) {
    const [best] = [...byUri.entries()].sort(([ua, a], [ub, b]) => b - a || (ua < ub ? -1 : 1));
    if (best) links.set(names, best[0]);
  }
  return links;
}

function streamsOf(folder: string): Stream[] {
  const out: Stream[] = [];
  const links = uriLinks(folder);
  const shows = new Set<string>();
  for (const file of files(folder)) {
    const name = file.split('/').pop() as string;
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    if (name === 'YourLibrary.json') {
      for (const show of doc.shows ?? []) shows.add(show.name);
      for (const episode of doc.episodes ?? []) shows.add(episode.show);
    } else if (/^(Streaming_History_|endsong)/.test(name)) {
      for (const r of doc) if (r.episode_show_name) shows.add(r.episode_show_name);
    }
  }
  const trackOf = (artist: string | null, title: string) =>
    links.get(JSON.stringify([artist ?? '', title])) ?? `name:${artist ?? ''}/${title}`;
  for (const file of files(folder)) {
    const name = file.split('/').pop() as string;
    const rows = JSON.parse(readFileSync(file, 'utf8'));
    if (/^(Streaming_History_|endsong)/.test(name)) {
      for (const r of rows) {
        const isTrack = Boolean(r.spotify_track_uri || r.master_metadata_track_name);
        const track = isTrack
          ? (r.spotify_track_uri ??
            trackOf(r.master_metadata_album_artist_name, r.master_metadata_track_name))
          : null;
        out.push({
          year: r.ts.slice(0, 4),
          ts: r.ts,
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
          unidentified:
            !isTrack &&
            !r.spotify_episode_uri &&
            !r.episode_name &&
            !r.audiobook_uri &&
            !r.audiobook_chapter_uri &&
            !r.audiobook_title,
          source: 'extended',
          names: JSON.stringify([
            r.master_metadata_album_artist_name ?? r.episode_show_name ?? '',
            r.master_metadata_track_name ?? r.episode_name ?? '',
          ]),
        });
      }
    } else if (/^StreamingHistory(_music_)?\d+\.json$/.test(name)) {
      // The legacy file mixes podcasts in: a row whose "artist" is a show named elsewhere in the
      // export (the library's shows and episodes, extended-history episodes) is an episode.
      // StreamingHistory_music_N holds music only.
      const legacy = !name.includes('_music_');
      for (const r of rows) {
        const podcast = legacy && shows.has(r.artistName);
        const unidentified = !podcast && unnamed(r.artistName, r.trackName);
        const music = !podcast && !unidentified;
        out.push({
          year: r.endTime.slice(0, 4),
          ts: `${r.endTime.replace(' ', 'T')}:00Z`,
          key: JSON.stringify([r.endTime, r.artistName, r.trackName, r.msPlayed]),
          track: music ? trackOf(r.artistName, r.trackName) : null,
          trackName: music ? r.trackName : null,
          artist: music ? r.artistName : null,
          ms: r.msPlayed,
          unidentified,
          source: 'account',
          names: JSON.stringify([r.artistName ?? '', r.trackName ?? '']),
        });
      }
    }
  }
  const seen = new Set<string>();
  const distinct = out.filter((s) => {
    if (seen.has(s.key)) return false;
    seen.add(s.key);
    return true;
  });
  return withoutAccountTwins(distinct);
}

/**
 * The same play in account data and the extended history counts once (the extended row
 * stays): same end minute and ms played, with the same names; then, for what is left and
 * above 0 ms, by the minute and ms played alone (Spotify renames tracks between exports).
 */
function withoutAccountTwins(streams: Stream[]): Stream[] {
  const minute = (s: Stream) => s.ts.slice(0, 16);
  const left = new Map<string, number>();
  const take = (key: string) => {
    const n = left.get(key) ?? 0;
    if (n === 0) return false;
    left.set(key, n - 1);
    return true;
  };
  const extended = streams.filter((s) => s.source === 'extended');
  const account = streams.filter((s) => s.source === 'account');
  for (const s of extended) {
    const key = `${minute(s)}|${s.ms}|${s.names}`;
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  const twins = new Set<Stream>();
  for (const s of account) if (take(`${minute(s)}|${s.ms}|${s.names}`)) twins.add(s);
  // What the names left: the extended rows not taken, by minute and ms alone.
  const leftByTime = new Map<string, number>();
  for (const [key, n] of left) {
    const [m, ms] = key.split('|');
    if (n > 0 && Number(ms) > 0)
      leftByTime.set(`${m}|${ms}`, (leftByTime.get(`${m}|${ms}`) ?? 0) + n);
  }
  for (const s of account) {
    if (twins.has(s) || s.ms <= 0) continue;
    const key = `${minute(s)}|${s.ms}`;
    const n = leftByTime.get(key) ?? 0;
    if (n > 0) {
      leftByTime.set(key, n - 1);
      twins.add(s);
    }
  }
  return streams.filter((s) => !twins.has(s));
}

function expected(streams: Stream[]) {
  const years = [...new Set(streams.map((s) => s.year))].sort();
  const music = streams.filter((s) => s.track !== null);
  const plays = music.filter((s) => s.ms >= 30_000);
  const top = (items: Stream[], by: (s: Stream) => string | null, measure = 'plays') => {
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
      .sort(
        ([ka, a], [kb, b]) =>
          (measure === 'plays'
            ? b.plays - a.plays || b.ms - a.ms
            : b.ms - a.ms || b.plays - a.plays) || (ka < kb ? -1 : 1),
      )
      .slice(0, 5)
      .map(([k, c]) => [k, c.plays]);
  };
  return years.map((year) => {
    const inYear = music.filter((s) => s.year === year);
    const playsInYear = plays.filter((s) => s.year === year);
    return {
      year,
      minutes: Math.round(inYear.reduce((n, s) => n + s.ms, 0) / 600) / 100,
      plays: playsInYear.length,
      unique_tracks: new Set(playsInYear.map((s) => s.track)).size,
      unique_artists: new Set(playsInYear.map((s) => s.artist).filter((a) => a !== null)).size,
      unidentified_minutes:
        Math.round(
          streams.filter((s) => s.unidentified && s.year === year).reduce((n, s) => n + s.ms, 0) /
            600,
        ) / 100,
      top_artists: top(inYear, (s) => s.artist),
      top_tracks: top(inYear, (s) => s.track),
      top_artists_by_minutes: top(inYear, (s) => s.artist, 'minutes'),
    };
  });
}

describe('transform: the real samples, checked against the JSON', () => {
  for (const sample of [
    'extended-2026-a',
    'extended-2022-endsong',
    'basic-2022',
    'account-2025-wrapped',
    'account-2024-wrapped',
  ]) {
    it(sample, async () => {
      const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'UTC' };
      assert.equal((await wrapped(['import', join(SAMPLES, sample)], { env })).code, 0);
      const built = await wrapped(['transform'], { env });
      assert.equal(built.code, 0, built.stderr);
      const checks = await wrapped(['check'], { env });
      assert.equal(checks.code, 0, checks.stdout);
      const query = (sql: string) => queryRows(sql, env);
      const years = await query(
        'SELECT year, minutes, plays, unique_tracks, unique_artists, unidentified_minutes FROM gold.wrapped_year ORDER BY year',
      );
      const artists = await query(
        "SELECT period, artist_name, plays FROM gold.agg_top_artists WHERE rank <= 5 AND period_type = 'year' ORDER BY period, rank",
      );
      const tracks = await query(
        "SELECT period, track_key, plays FROM gold.agg_top_tracks WHERE rank <= 5 AND period_type = 'year' ORDER BY period, rank",
      );
      const byMinutes = await query(
        "SELECT period, artist_name, plays FROM gold.agg_top_artists WHERE rank_by_minutes <= 5 AND period_type = 'year' ORDER BY period, rank_by_minutes",
      );
      const got = years.map((y) => ({
        ...y,
        top_artists: artists
          .filter((a) => a.period === y.year)
          .map((a) => [a.artist_name, a.plays]),
        top_tracks: tracks.filter((t) => t.period === y.year).map((t) => [t.track_key, t.plays]),
        top_artists_by_minutes: byMinutes
          .filter((a) => a.period === y.year)
          .map((a) => [a.artist_name, a.plays]),
      }));
      const want = expected(streamsOf(join(SAMPLES, sample)));
      assert.deepEqual(got, want);
      // What Spotify can no longer name is in no top list, of any period.
      const [unnamedInTops] = await query(
        `SELECT (SELECT count(*) FROM gold.agg_top_tracks WHERE lower(track_name) = 'unknown track')
          + (SELECT count(*) FROM gold.agg_top_artists WHERE lower(artist_name) = 'unknown artist') AS n`,
      );
      assert.equal(Number(unnamedInTops?.n), 0);
      if (sample === 'account-2024-wrapped')
        assert.ok(
          want.some((y) => y.unidentified_minutes > 0),
          'the sample has unknown rows',
        );
      // The terminal recap reads the same gold tables.
      const last = want.filter((y) => y.plays > 0).at(-1);
      const recap = JSON.parse((await wrapped(['recap', '--json'], { env })).stdout);
      assert.equal(recap.year, last?.year);
      assert.equal(recap.plays, last?.plays);
      assert.deepEqual(
        recap.top_artists.map((a: { artist_name: string }) => a.artist_name),
        last?.top_artists.map(([name]) => name),
      );
      // Ranked by minutes when asked: the recap of a year, and of any span of days.
      const byMinutesRecap = JSON.parse(
        (
          await wrapped(['recap', '--year', String(last?.year), '--by', 'minutes', '--json'], {
            env,
          })
        ).stdout,
      );
      assert.deepEqual(
        byMinutesRecap.top_artists.map((a: { artist_name: string }) => a.artist_name),
        last?.top_artists_by_minutes.map(([name]) => name),
      );
      const spanRecap = JSON.parse(
        (
          await wrapped(
            [
              'recap',
              '--from',
              `${last?.year}-01-01`,
              '--to',
              `${last?.year}-12-31`,
              '--by',
              'minutes',
              '--json',
            ],
            { env },
          )
        ).stdout,
      );
      assert.deepEqual(spanRecap.top_artists, byMinutesRecap.top_artists);
    });
  }
});

describe("transform: the simulator's export, against the JSON and the simulator's ground truth", () => {
  it('per year: minutes, plays, songs, artists and top 5 lists', async () => {
    const world = new World({ seed: 'samples', start: new Date('2026-11-24T10:00:00Z') });
    const dir = await tempDir();
    const folder = join(dir, 'export');
    for (const entry of exportEntries(world)) {
      const name = String(entry.name);
      if (name.endsWith('/') || entry.data === undefined) continue;
      await mkdir(dirname(join(folder, name)), { recursive: true });
      await writeFile(join(folder, name), entry.data);
    }
    const env = { WRAPPED_HOME: join(dir, 'home'), WRAPPED_TIMEZONE: 'UTC' };
    assert.equal((await wrapped(['import', folder], { env })).code, 0);
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const years = await queryRows(
      'SELECT year, minutes, plays, unique_tracks, unique_artists FROM gold.wrapped_year ORDER BY year',
      env,
    );
    // From the export's JSON, with no code of the product's.
    const fromJson = expected(streamsOf(folder));
    const artists = await queryRows(
      "SELECT period, artist_name, plays FROM gold.agg_top_artists WHERE rank <= 5 AND period_type = 'year' ORDER BY period, rank",
      env,
    );
    const tracks = await queryRows(
      "SELECT period, track_key, plays FROM gold.agg_top_tracks WHERE rank <= 5 AND period_type = 'year' ORDER BY period, rank",
      env,
    );
    assert.deepEqual(
      years.map((y) => ({
        ...y,
        top_artists: artists
          .filter((a) => a.period === y.year)
          .map((a) => [a.artist_name, a.plays]),
        top_tracks: tracks.filter((t) => t.period === y.year).map((t) => [t.track_key, t.plays]),
      })),
      fromJson.map(
        ({ year, minutes, plays, unique_tracks, unique_artists, top_artists, top_tracks }) => ({
          year,
          minutes,
          plays,
          unique_tracks,
          unique_artists,
          top_artists,
          top_tracks,
        }),
      ),
    );
    // And from the simulator's own record of what was played.
    const truth = new Map<string, { ms: number; plays: number; tracks: Set<string> }>();
    for (const s of world.streams(world.historyStart, exportCutoff(world.now))) {
      if (s.contentType !== 'track' || !s.trackId) continue;
      const year = new Date(s.endedAt).toISOString().slice(0, 4);
      const t = truth.get(year) ?? { ms: 0, plays: 0, tracks: new Set<string>() };
      t.ms += s.msPlayed;
      if (s.msPlayed >= 30_000) {
        t.plays++;
        t.tracks.add(s.trackId);
      }
      truth.set(year, t);
    }
    assert.deepEqual(
      years.map((y) => [y.year, y.minutes, y.plays, y.unique_tracks]),
      [...truth.entries()]
        .sort()
        .map(([year, t]) => [year, Math.round(t.ms / 600) / 100, t.plays, t.tracks.size]),
    );
  });
});

/** Local calendar parts of an instant in a time zone, by the platform's own tz database. */
function localParts(iso: string, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const weekday =
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '') + 1;
  // ISO week: the week belongs to the year of its Thursday.
  const date = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(date.getTime() + (4 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  const isoWeek = `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
  return { day, hour: Number(parts.hour), weekday, isoWeek };
}

describe('transform: weeks, the clock, streaks and discovery in a DST time zone', () => {
  it('extended-2026-a in Europe/Berlin equals the same figures computed from the JSON', async () => {
    const timeZone = 'Europe/Berlin';
    const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: timeZone };
    assert.equal((await wrapped(['import', join(SAMPLES, 'extended-2026-a')], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const checks = await wrapped(['check'], { env });
    assert.equal(checks.code, 0, checks.stdout);
    const query = (sql: string) => queryRows(sql, env);
    const music = streamsOf(join(SAMPLES, 'extended-2026-a'))
      .filter((s) => s.track !== null)
      .map((s) => ({ ...s, local: localParts(s.ts, timeZone) }));
    const plays = music.filter((s) => s.ms >= 30_000);
    // The sample spans both sides of a DST change, so a fixed UTC offset would fail below.
    const offsets = new Set(
      music.map((s) => (s.local.hour - new Date(s.ts).getUTCHours() + 24) % 24),
    );
    assert.deepEqual([...offsets].sort(), [1, 2]);

    // The listening clock, all time: plays per ISO weekday and local hour.
    const clock = new Map<string, number>();
    for (const s of music) {
      const k = `${s.local.weekday}/${s.local.hour}`;
      clock.set(k, (clock.get(k) ?? 0) + (s.ms >= 30_000 ? 1 : 0));
    }
    const gotClock = await query(
      "SELECT weekday, hour, plays FROM gold.agg_listening_clock WHERE period = 'all'",
    );
    assert.deepEqual(
      new Map(gotClock.map((r) => [`${r.weekday}/${r.hour}`, r.plays])),
      new Map([...clock].sort()),
    );

    // Streaks: runs of consecutive local days with a play.
    const days = [...new Set(plays.map((s) => s.local.day))].sort();
    const streaks: Array<[string, string, number]> = [];
    for (const day of days) {
      const last = streaks.at(-1);
      const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000);
      if (last && next(last[1]).toISOString().slice(0, 10) === day) {
        last[1] = day;
        last[2]++;
      } else streaks.push([day, day, 1]);
    }
    const gotStreaks = await query(
      'SELECT streak_start::VARCHAR AS s, streak_end::VARCHAR AS e, days FROM gold.agg_streaks ORDER BY s',
    );
    assert.deepEqual(
      gotStreaks.map((r) => [r.s, r.e, r.days]),
      streaks,
    );

    // Discovery: the local day of each artist's first play.
    const firstDay = new Map<string, string>();
    for (const s of [...plays].sort((a, b) => (a.ts < b.ts ? -1 : 1))) {
      if (s.artist !== null && !firstDay.has(s.artist)) firstDay.set(s.artist, s.local.day);
    }
    const gotFirst = await query(
      "SELECT name, first_day::VARCHAR AS day FROM gold.agg_discovery WHERE kind = 'artist'",
    );
    assert.deepEqual(new Map(gotFirst.map((r) => [r.name, r.day])), firstDay);

    // Top 5 artists of every ISO week (Monday to Sunday, local).
    const weeks = new Map<string, Map<string, { plays: number; ms: number }>>();
    for (const s of music) {
      if (s.artist === null) continue;
      const week = weeks.get(s.local.isoWeek) ?? new Map();
      const c = week.get(s.artist) ?? { plays: 0, ms: 0 };
      c.ms += s.ms;
      if (s.ms >= 30_000) c.plays++;
      week.set(s.artist, c);
      weeks.set(s.local.isoWeek, week);
    }
    const wantWeeks = [...weeks.entries()].sort().flatMap(([week, counts]) =>
      [...counts.entries()]
        .sort(([ka, a], [kb, b]) => b.plays - a.plays || b.ms - a.ms || (ka < kb ? -1 : 1))
        .slice(0, 5)
        .map(([artist, c]) => [week, artist, c.plays]),
    );
    // The recap of any span computes from silver with the same definitions as gold's year.
    const recap = async (args: string[]) =>
      JSON.parse((await wrapped(['recap', ...args, '--json'], { env })).stdout);
    const byYear = await recap(['--year', '2024']);
    const bySpan = await recap(['--from', '2024-01-01', '--to', '2024-12-31']);
    for (const field of [
      'minutes',
      'plays',
      'unique_tracks',
      'unique_artists',
      'podcast_minutes',
      'top_artists',
      'top_tracks',
      'top_albums',
    ])
      assert.deepEqual(bySpan[field], byYear[field], field);
    const week = await recap(['--from', '2024-10-14', '--to', '2024-10-20']);
    assert.deepEqual(
      week.top_artists.map((a: { artist_name: string; plays: number }) => [a.artist_name, a.plays]),
      wantWeeks.filter(([w]) => w === '2024-W42').map(([, artist, plays]) => [artist, plays]),
    );

    const gotWeeks = await query(
      "SELECT period, artist_name, plays FROM gold.agg_top_artists WHERE period_type = 'week' AND rank <= 5 ORDER BY period, rank",
    );
    assert.deepEqual(
      gotWeeks.map((r) => [r.period, r.artist_name, r.plays]),
      wantWeeks,
    );
  });
});
