/**
 * Spotify's own Wrapped (WrappedYYYY.json) beside ours: `wrapped recap --year Y --json` returns
 * a `spotify` block read from the export's file, and a `differences` list with reasons. Spotify's
 * figures are checked against the file itself, read here with JSON.parse; the two samples have
 * different shapes (2024 and 2025 layouts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');
const minutes = (ms: number) => Math.round(ms / 600) / 100;

/** The first stream of the account data (any StreamingHistory file), as "27 January". */
function historyStarts(sample: string): string {
  const folder = join(SAMPLES, sample, 'Spotify Account Data');
  const first = readdirSync(folder)
    .filter((f) => f.startsWith('StreamingHistory'))
    .flatMap((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as Array<{ endTime: string }>)
    .map((r) => r.endTime)
    .sort()[0] as string;
  const date = new Date(`${first.replace(' ', 'T')}:00Z`);
  return `${date.getUTCDate()} ${date.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })}`;
}

async function recapOf(sample: string, year: string) {
  const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'UTC' };
  assert.equal((await wrapped(['import', join(SAMPLES, sample)], { env })).code, 0);
  const built = await wrapped(['transform'], { env });
  assert.equal(built.code, 0, built.stderr);
  const recap = await wrapped(['recap', '--year', year, '--json'], { env });
  assert.equal(recap.code, 0, recap.stderr);
  const text = await wrapped(['recap', '--year', year], { env });
  return { json: JSON.parse(recap.stdout), text: text.stdout, env };
}

interface Difference {
  figure: string;
  ours: number | null;
  spotify: number;
  reason: string;
}

describe("Spotify's own Wrapped beside ours", () => {
  it('2025: every figure the file has, its top songs with their counts, and the differences with reasons', async () => {
    const file = JSON.parse(
      readFileSync(
        join(SAMPLES, 'account-2025-wrapped', 'Spotify Account Data', 'Wrapped2025.json'),
        'utf8',
      ),
    );
    const { json, text, env } = await recapOf('account-2025-wrapped', '2025');
    const spotify = json.spotify;
    assert.equal(spotify.minutes, minutes(file.yearlyMetrics.totalMsListened));
    assert.equal(spotify.podcast_minutes, minutes(file.topPodcasts.totalPodcastMilliseconds));
    assert.equal(spotify.unique_artists, file.topArtists.numUniqueArtists);
    assert.equal(spotify.unique_tracks, file.topTracks.numUniqueTracks);
    assert.equal(spotify.listening_days, file.party.totalNumListeningDays);
    assert.equal(spotify.longest_streak_days, file.party.streakNumListeningDays);
    assert.deepEqual(
      spotify.top_tracks.map((t: { uri: string; plays: number; minutes: number }) => [
        t.uri,
        t.plays,
        t.minutes,
      ]),
      file.topTracks.topTracks.map((t: { trackUri: string; count: number; msPlayed: number }) => [
        t.trackUri,
        t.count,
        minutes(t.msPlayed),
      ]),
    );
    assert.deepEqual(
      spotify.top_artists.map((a: { uri: string }) => a.uri),
      file.topArtists.topArtistUris,
    );
    assert.equal(spotify.only_spotify.listening_age, file.listeningAge.listeningAge);
    assert.equal(spotify.only_spotify.club, file.clubs.userClub);
    // Differences: each figure both sides have and that differs, with a reason a listener reads.
    const differences = json.differences as Difference[];
    const byFigure = new Map(differences.map((d) => [d.figure, d]));
    const ours = { minutes: json.minutes, unique_tracks: json.unique_tracks };
    assert.equal(byFigure.get('minutes')?.ours, ours.minutes);
    assert.equal(byFigure.get('minutes')?.spotify, spotify.minutes);
    assert.notEqual(ours.minutes, spotify.minutes);
    // The account data starts after 1 January: said in every reason.
    const starts = historyStarts('account-2025-wrapped');
    for (const d of differences)
      assert.ok(d.reason.includes(`your history here starts ${starts}`), d.reason);
    assert.match(byFigure.get('minutes')?.reason ?? '', /podcasts/);
    assert.match(text, /Spotify's own Wrapped 2025/);
    // The Sound Capsule's days, as Spotify counted them, are in silver too.
    const capsule = JSON.parse(
      readFileSync(
        join(SAMPLES, 'account-2025-wrapped', 'Spotify Account Data', 'YourSoundCapsule.json'),
        'utf8',
      ),
    ) as { stats: Array<{ date: string; streamCount: number; secondsPlayed: number }> };
    assert.deepEqual(
      await queryRows(
        'SELECT day::VARCHAR AS day, streams, minutes FROM silver.fct_sound_capsule_day ORDER BY day',
        env,
      ),
      capsule.stats
        .map((d) => ({
          day: d.date,
          streams: d.streamCount,
          minutes: Math.round((d.secondsPlayed * 1000) / 600) / 100,
        }))
        .sort((a, b) => (a.day < b.day ? -1 : 1)),
    );
    assert.match(text, /Minutes: Spotify 68,676, here/);
  });

  it("2024: the older layout's figures (distinct tracks, most listened day), and no 2025 fields", async () => {
    const file = JSON.parse(
      readFileSync(
        join(SAMPLES, 'account-2024-wrapped', 'Spotify Account Data', 'Wrapped2024.json'),
        'utf8',
      ),
    );
    const { json } = await recapOf('account-2024-wrapped', '2024');
    const spotify = json.spotify;
    assert.equal(spotify.unique_tracks, file.topTracks.distinctTracksPlayed);
    assert.equal(spotify.most_listened_day, file.yearlyMetrics.mostListenedDay);
    assert.equal(spotify.listening_days, null);
    assert.deepEqual(
      spotify.top_tracks.map((t: { uri: string; plays: number | null }) => [t.uri, t.plays]),
      file.topTracks.topTracks.map((uri: string) => [uri, null]),
    );
    assert.deepEqual(
      spotify.top_artists.map((a: { uri: string }) => a.uri),
      file.topArtists.topArtists.map((a: { artistUri: string }) => a.artistUri),
    );
    // The account data starts in August 2024 (its podcast file a day before its music).
    const starts = historyStarts('account-2024-wrapped');
    const differences = json.differences as Difference[];
    assert.ok(differences.length > 0);
    for (const d of differences)
      assert.ok(d.reason.includes(`your history here starts ${starts}`), d.reason);
  });

  it('minutes only Last.fm saw are named among the reasons the minutes differ', async () => {
    const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'UTC' };
    // Four scrobbles on New Year's Day, before the account data starts: no Spotify play is theirs.
    const csv = join(env.WRAPPED_HOME, 'scrobbles.csv');
    writeFileSync(
      csv,
      ['Song A', 'Song B', 'Song C', 'Song D']
        .map((song, i) => `Artist X,Album,${song},01 Jan 2025 10:0${i * 2}\n`)
        .join(''),
    );
    for (const input of [join(SAMPLES, 'account-2025-wrapped'), csv])
      assert.equal((await wrapped(['import', input], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const recap = await wrapped(['recap', '--year', '2025', '--json'], { env });
    const minutes = (JSON.parse(recap.stdout).differences as Difference[]).find(
      (d) => d.figure === 'minutes',
    );
    // 4 scrobbles with no length: 4 x 3.5 minutes.
    assert.match(
      minutes?.reason ?? '',
      /14 minutes here are plays only Last\.fm or ListenBrainz saw/,
    );
  });

  it('a year with no Wrapped file in the export has no spotify block', async () => {
    const { json } = await recapOf('extended-2022-endsong', '2022');
    assert.equal(json.spotify, undefined);
    assert.equal(json.differences, undefined);
  });
});
