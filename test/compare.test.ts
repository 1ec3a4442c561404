/**
 * `wrapped compare A B`: the small household of test/support/household.ts, worked out by hand
 * there from its records, never read back from the product's tables.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SharedArtist, SharedTrack } from '../src/household/compare.js';
import { wrapped } from './support/helpers.js';
import { householdHome } from './support/household.js';

describe('wrapped compare', () => {
  it('a hand-checked household: affinity, shared artists and songs, who found whom first, clocks', async () => {
    const { env } = await householdHome();
    const compared = await wrapped(['compare', 'me', 'anna', '--year', '2026', '--json'], { env });
    assert.equal(compared.code, 0, compared.stderr);
    const result = JSON.parse(compared.stdout);
    assert.equal(result.affinity, 0.5288);
    assert.deepEqual(
      [result.a, result.b].map((s) => [s.listener, s.minutes, s.plays, s.artists, s.peak_hour]),
      [
        ['me', 13, 4, 3, 21],
        ['anna', 16, 4, 3, 8],
      ],
    );
    assert.deepEqual(
      result.shared_artists.map((r: SharedArtist) => [
        r.artist_name,
        r.a.plays,
        r.b.plays,
        r.found_first,
      ]),
      [
        ['Artist A', 2, 2, 'anna'],
        ['Artist B', 1, 1, 'me'],
      ],
    );
    assert.deepEqual(
      result.shared_tracks.map((r: SharedTrack) => [r.track_name, r.a.plays, r.b.plays]),
      [
        ['a1', 2, 1],
        ['b1', 1, 1],
      ],
    );
    const hours = (clock: number[]) =>
      Object.fromEntries(clock.flatMap((m, h) => (m > 0 ? [[h, m]] : [])));
    assert.deepEqual(hours(result.clock.a), { 10: 6, 21: 7 });
    assert.deepEqual(hours(result.clock.b), { 8: 6, 21: 4, 22: 6 });

    // All time is the same household here; the text names the affinity and the listeners.
    const text = await wrapped(['compare', 'me', 'anna'], { env });
    assert.match(text.stdout, /me and anna, all time/);
    assert.match(text.stdout, /Affinity 53%/);
    assert.match(text.stdout, /Artist A .* found first: anna/);

    // Bad input says what to do.
    const unknown = await wrapped(['compare', 'me', 'zed'], { env });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No listener "zed"/);
    const self = await wrapped(['compare', 'me', 'me'], { env });
    assert.match(self.stderr, /two different listeners/);
    const year = await wrapped(['compare', 'me', 'anna', '--year', '26'], { env });
    assert.match(year.stderr, /--year must be a year/);
    const empty = JSON.parse(
      (await wrapped(['compare', 'me', 'anna', '--year', '2025', '--json'], { env })).stdout,
    );
    assert.equal(empty.affinity, 0);
    assert.equal(empty.shared_artist_count, 0);
  });
});
