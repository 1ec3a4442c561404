/**
 * The weekly summary of a simulated week: its figures equal a `wrapped query` over gold for the
 * same week, and the simulator's ground truth; the Slack stand-in receives them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mondayOfIsoWeek } from '../../src/pipeline/weekly-summary.js';
import { World } from '../../src/simulator/world.js';
import { queryRows, wrapped } from '../support/helpers.js';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.js';

const SEED = 'weekly';
const NOW = '2026-11-24T10:00:00Z';
// ISO week 46 of 2026 is Monday 9 to Sunday 15 November, cut in Berlin time (UTC+1 then).
const WEEK = '2026-W46';
const FROM = Date.parse('2026-11-08T23:00:00Z');
const TO = Date.parse('2026-11-15T23:00:00Z');

describe('weekly summary', () => {
  let slack: SlackReceiver;
  let env: Record<string, string>;
  let home: string;
  before(async () => {
    slack = await startSlackReceiver();
    home = await mkdtemp(join(tmpdir(), 'wrapped-summary-'));
    env = {
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: 'Europe/Berlin',
      WRAPPED_NOW: NOW,
      SLACK_WEBHOOK_URL: slack.url,
      WRAPPED_DASHBOARD_URL: 'http://127.0.0.1:8787/',
    };
    const zip = join(home, 'my_spotify_data.zip');
    const made = await wrapped(
      ['simulate', 'export', '--out', zip, '--seed', SEED, '--start', NOW],
      { env },
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await wrapped(['import', zip], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
  });
  after(async () => {
    await slack.close();
    await rm(home, { recursive: true, force: true });
  });

  it('equals gold and the ground truth for the same week, and reaches Slack', async () => {
    const sent = await wrapped(['notify', 'summary', '--week', WEEK, '--json'], { env });
    assert.equal(sent.code, 0, sent.stderr);
    const summary = JSON.parse(sent.stdout);
    assert.equal(summary.from, '2026-11-09');
    assert.equal(summary.to, '2026-11-15');
    assert.deepEqual(summary.delivery, { sent: 1, failed: 0 });

    const query = (sql: string) => queryRows(sql, env);
    const [gold] = await query(
      "SELECT round(sum(minutes), 2) AS minutes, sum(plays)::INTEGER AS plays FROM gold.agg_daily_listening WHERE day BETWEEN DATE '2026-11-09' AND DATE '2026-11-15'",
    );
    assert.equal(summary.minutes, gold?.minutes);
    assert.equal(summary.plays, gold?.plays);
    const topArtists = await query(
      `SELECT artist_name, plays FROM gold.agg_top_artists WHERE period = '${WEEK}' AND rank <= 5 ORDER BY rank`,
    );
    assert.deepEqual(
      summary.top_artists.map((a: { artist_name: string; plays: number }) => [
        a.artist_name,
        a.plays,
      ]),
      topArtists.map((a) => [a.artist_name, a.plays]),
    );
    const topTracks = await query(
      `SELECT track_name, plays FROM gold.agg_top_tracks WHERE period = '${WEEK}' AND rank <= 5 ORDER BY rank`,
    );
    assert.deepEqual(
      summary.top_tracks.map((t: { track_name: string; plays: number }) => [t.track_name, t.plays]),
      topTracks.map((t) => [t.track_name, t.plays]),
    );

    // The simulator's ground truth for the same week, computed without the pipeline.
    const world = new World({ seed: SEED, start: new Date(NOW) });
    const music = world
      .streams(FROM, TO)
      .filter((s) => s.contentType === 'track' && s.endedAt >= FROM && s.endedAt < TO);
    const truthMinutes = music.reduce((n, s) => n + s.msPlayed, 0) / 60_000;
    assert.ok(
      Math.abs(summary.minutes - truthMinutes) < 0.1,
      `${summary.minutes} vs ${truthMinutes}`,
    );
    const plays = new Map<string, { plays: number; ms: number }>();
    for (const s of music) {
      const track = world.catalog.track.get(s.trackId ?? '');
      const album = world.catalog.album.get(track?.albumId ?? '');
      const artist = world.catalog.artist.get(album?.artistIds[0] ?? '')?.name ?? '?';
      const c = plays.get(artist) ?? { plays: 0, ms: 0 };
      c.ms += s.msPlayed;
      if (s.msPlayed >= 30_000) c.plays++;
      plays.set(artist, c);
    }
    const truthTop = [...plays.entries()]
      .sort(([ka, a], [kb, b]) => b.plays - a.plays || b.ms - a.ms || (ka < kb ? -1 : 1))
      .slice(0, 5)
      .map(([artist, c]) => [artist, c.plays]);
    assert.deepEqual(
      summary.top_artists.map((a: { artist_name: string; plays: number }) => [
        a.artist_name,
        a.plays,
      ]),
      truthTop,
    );

    // Ranked by minutes when asked (--by, or WRAPPED_RANK_BY), by the same ground truth.
    const byMinutes = JSON.parse(
      (
        await wrapped(
          ['notify', 'summary', '--week', WEEK, '--by', 'minutes', '--no-send', '--json'],
          {
            env,
          },
        )
      ).stdout,
    );
    assert.equal(byMinutes.ranked_by, 'minutes');
    const truthByMinutes = [...plays.entries()]
      .sort(([ka, a], [kb, b]) => b.ms - a.ms || b.plays - a.plays || (ka < kb ? -1 : 1))
      .slice(0, 5)
      .map(([artist]) => artist);
    assert.deepEqual(
      byMinutes.top_artists.map((a: { artist_name: string }) => a.artist_name),
      truthByMinutes,
    );
    assert.notDeepEqual(
      truthByMinutes,
      truthTop.map(([artist]) => artist),
      'the week tells them apart',
    );
    const bad = await wrapped(['notify', 'summary', '--by', 'skips', '--no-send'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /plays, minutes/);

    // What Slack got says the same, and links to the dashboard.
    const message = slack.messages.at(-1);
    assert.match(message?.text ?? '', new RegExp(`your week ${WEEK}`));
    assert.match(
      message?.text ?? '',
      new RegExp(`${Math.round(summary.minutes).toLocaleString('en-US')} minutes`),
    );
    for (const [artist] of truthTop) assert.ok(message?.text.includes(String(artist)));
    assert.match(
      JSON.stringify(message?.blocks),
      /<http:\/\/127\.0\.0\.1:8787\/?\|Open the dashboard>/,
    );
  });

  it('defaults to the last complete week and refuses a week that does not exist', async () => {
    const printed = await wrapped(['notify', 'summary', '--no-send', '--json'], { env });
    assert.equal(JSON.parse(printed.stdout).week, '2026-W47');
    const bad = await wrapped(['notify', 'summary', '--week', '2025-W53'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /2025-W53 does not exist/);
    assert.equal(mondayOfIsoWeek('2026-W01'), '2025-12-29');
    assert.equal(mondayOfIsoWeek('2026-W53'), '2026-12-28');
  });
});
