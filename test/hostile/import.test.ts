/**
 * The hostile-input probe's import findings, one case each: every record that would break a
 * later build is refused at the door with exit 1, a message naming the file, the record and
 * the field, and the lake exactly as it was (importRefused checks the listing).
 */
import assert from 'node:assert/strict';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeZip } from '../../src/simulator/zip-writer.js';
import { tempDir, wrapped } from '../support/helpers.js';
import { file, GOOD, GOOD_RECORD, importRefused, zip } from '../support/import-refused.js';

const NAME = 'Streaming_History_Audio_2024.json';
const withRecord = (record: Record<string, unknown>) =>
  file(NAME, JSON.stringify([GOOD_RECORD, { ...GOOD_RECORD, ...record }]));
const RECORD_1 = new RegExp(`${NAME}: record 1 at byte \\d+: `);

describe('hostile records are refused at the door, and the lake is unchanged', () => {
  it('an impossible date (2023-02-30)', async () => {
    const { stdout } = await importRefused(withRecord({ ts: '2023-02-30T10:00:00Z' }));
    assert.match(stdout, RECORD_1);
    assert.match(stdout, /"ts" is "2023-02-30T10:00:00Z", which is not a real calendar date/);
  });

  for (const year of ['0000', '0001', '9999'])
    it(`the year ${year}`, async () => {
      const { stdout } = await importRefused(withRecord({ ts: `${year}-06-01T10:00:00Z` }));
      assert.match(stdout, RECORD_1);
      assert.match(
        stdout,
        new RegExp(
          `"ts" is "${year}-06-01T10:00:00Z", which is in the year ${Number(year)}; expected 2006 to \\d{4}`,
        ),
      );
    });

  it('an account endTime out of range', async () => {
    const { stdout } = await importRefused(
      file(
        'StreamingHistory_music_0.json',
        JSON.stringify([
          { endTime: '1999-12-31 23:59', artistName: 'a', trackName: 't', msPlayed: 1 },
        ]),
      ),
    );
    assert.match(
      stdout,
      /record 0 at byte 1: "endTime" is "1999-12-31 23:59", which is in the year 1999/,
    );
  });

  it('a duplicate key in one record', async () => {
    const text = `[${JSON.stringify(GOOD_RECORD)}, {"ts": "2024-08-02T12:00:00Z", "ms_played": 1, "ms_played": 2}]`;
    const { stdout } = await importRefused(file(NAME, text));
    assert.match(stdout, /record 1 at byte \d+: has the key "ms_played" twice/);
  });

  it('a lone UTF-16 surrogate', async () => {
    const text = `[${JSON.stringify(GOOD_RECORD)}, {"ts": "2024-08-02T12:00:00Z", "ms_played": 1, "episode_name": "half \\ud83c a pair"}]`;
    const { stdout } = await importRefused(file(NAME, text));
    assert.match(stdout, /record 1 at byte \d+: "episode_name" holds a lone UTF-16 surrogate/);
  });

  it('an offline_timestamp of 1e300', async () => {
    const { stdout } = await importRefused(withRecord({ offline_timestamp: 1e300 }));
    assert.match(
      stdout,
      /"offline_timestamp" is 1e\+300; expected a whole number of seconds or milliseconds/,
    );
  });

  it('a number too large to store, in a field nobody reads yet', async () => {
    const text = `[${JSON.stringify(GOOD_RECORD)}, {"ts": "2024-08-02T12:00:00Z", "ms_played": 1, "new_field": [1, 1e400]}]`;
    const { stdout } = await importRefused(file(NAME, text));
    assert.match(stdout, /"new_field\[1\]" is a number too large to store/);
  });

  it('a string over 16 MB, refused without being read whole', async () => {
    const { stdout } = await importRefused(
      withRecord({ master_metadata_track_name: 'x'.repeat(17 * 1024 * 1024) }),
    );
    assert.match(
      stdout,
      /record 1 at byte \d+: is 17,8\d\d,\d{3} bytes long; a record may be at most 262,144 bytes/,
    );
  });

  it('a YourLibrary.json with a duplicate key', async () => {
    const library =
      '{"tracks": [{"artist": "a", "album": "b", "track": "c", "track": "d"}], "albums": []}';
    const { stdout } = await importRefused(file('YourLibrary.json', library));
    assert.match(
      stdout,
      /YourLibrary\.json: has the key "track" twice in the object at \$\.tracks\[0\]/,
    );
  });

  it('a zip entry whose content does not match its CRC-32', async () => {
    const content = Buffer.from(GOOD);
    const archive = makeZip([{ name: NAME, data: content, method: 'store' }]);
    const at = archive.indexOf(Buffer.from('"ms_played": 11677'));
    archive[at + 13] = '2'.charCodeAt(0); // one digit changed after the CRC was computed
    const { stdout } = await importRefused(file('my_spotify_data.zip', archive));
    assert.match(stdout, new RegExp(`${NAME}: is damaged in the zip: .*CRC-32 mismatch`));
  });

  it('a zip with a damaged central directory gives a message, not a stack trace', async () => {
    const archive = makeZip([{ name: NAME, data: GOOD }]);
    const central = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive[central + 1] = 0; // the central directory header's signature
    const { stdout, stderr } = await importRefused(file('my_spotify_data.zip', archive));
    assert.match(stdout, /the zip is damaged: invalid central directory/);
    assert.doesNotMatch(stdout + stderr, /\n\s+at /);
  });

  it('a symbolic link that loops gives a message, not a stack trace', async () => {
    const { stdout, stderr } = await importRefused(async (dir) => {
      await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
      await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
      return join(dir, 'loop-a');
    });
    assert.match(stdout, /loop-a is a symbolic link that leads back to itself/);
    assert.doesNotMatch(stdout + stderr, /\n\s+at /);
  });

  it('one bad file among good ones: nothing of the import lands', async () => {
    const { json } = await importRefused(
      zip([
        {
          name: 'Streaming_History_Audio_2023.json',
          data: GOOD.replaceAll('2024-08-02', '2023-08-02'),
        },
        { name: NAME, data: JSON.stringify([{ ...GOOD_RECORD, ts: '2024-02-30T00:00:00Z' }]) },
      ]),
    );
    assert.deepEqual(
      json.inputs[0]?.files.map((f) => f.status),
      ['held_back', 'failed'],
    );
  });
});

describe('what passes the door', () => {
  it('the limits themselves are accepted (see limits-build.test.ts for the builds)', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, NAME),
      JSON.stringify([
        { ...GOOD_RECORD, ts: '2006-01-01T00:00:00Z', ms_played: 0, offline_timestamp: 0 },
        {
          ...GOOD_RECORD,
          ts: '2024-02-29T23:59:59Z',
          ms_played: 86_400_000,
          offline_timestamp: 1e14,
        },
        { ...GOOD_RECORD, ts: `${new Date().getUTCFullYear() + 1}-12-31T23:59:59Z` },
      ]),
    );
    const result = await wrapped(['import', join(dir, NAME), '--json'], {
      env: { WRAPPED_HOME: join(dir, 'home') },
    });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(JSON.parse(result.stdout).totals.records, 3);
  });
});
