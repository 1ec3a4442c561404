import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../lake/drivers/fs.js';
import {
  LISTENERS_PATH,
  listenerId,
  readListeners,
  removeListener,
  resolveListener,
  saveListener,
} from './registry.js';

async function emptyLake() {
  const root = join(await mkdtemp(join(tmpdir(), 'wrapped-listeners-')), 'lake');
  return { root, lake: new FsLake(root) };
}

describe('listener registry (_state/listeners.json)', () => {
  it('a lake made before listeners has one, me, and nothing written', async () => {
    const { root, lake } = await emptyLake();
    const { listeners, stored } = await readListeners(lake);
    assert.deepEqual(
      listeners.map((l) => l.id),
      ['me'],
    );
    assert.equal(stored, false);
    await assert.rejects(readFile(join(root, LISTENERS_PATH)), /ENOENT/);
    assert.equal(await resolveListener(lake, undefined), 'me');
  });

  it('adds up to five listeners, keeps me first, and refuses a sixth saying why', async () => {
    const { lake } = await emptyLake();
    for (const name of ['anna', 'ben', 'cleo', 'dan']) {
      const { added } = await saveListener(lake, { id: name, spotify_user_id: `sp-${name}` });
      assert.equal(added, true);
    }
    const { listeners, stored } = await readListeners(lake);
    assert.equal(stored, true);
    assert.deepEqual(
      listeners.map((l) => l.id),
      ['me', 'anna', 'ben', 'cleo', 'dan'],
    );
    await assert.rejects(saveListener(lake, { id: 'eve' }), /5 listeners already .*remove/i);
    assert.equal(await resolveListener(lake, 'ben'), 'ben');
    await assert.rejects(
      resolveListener(lake, 'eve'),
      /No listener "eve".*wrapped listener add eve/,
    );
  });

  it('saving a listener again updates its Spotify names; one account is one listener', async () => {
    const { lake } = await emptyLake();
    await saveListener(lake, { id: 'anna', spotify_user_id: 'sp-anna' });
    const again = await saveListener(lake, { id: 'anna', display_name: 'Anna K' });
    assert.equal(again.added, false);
    const anna = again.listeners.find((l) => l.id === 'anna');
    assert.equal(anna?.display_name, 'Anna K');
    assert.equal(anna?.spotify_user_id, 'sp-anna');
    await assert.rejects(
      saveListener(lake, { id: 'ben', spotify_user_id: 'sp-anna' }),
      /already listener "anna"/,
    );
  });

  it('removes a listener, never me (whom every command means by default)', async () => {
    const { lake } = await emptyLake();
    await saveListener(lake, { id: 'anna' });
    await assert.rejects(removeListener(lake, 'me'), /own listener.*stays/);
    assert.deepEqual(
      (await removeListener(lake, 'anna')).map((l) => l.id),
      ['me'],
    );
    await assert.rejects(removeListener(lake, 'zed'), /No listener "zed"/);
  });

  it('names go into rows and paths: only short lower-case names are accepted', () => {
    assert.equal(listenerId(' anna '), 'anna');
    for (const bad of ['', 'Anna', '1st', 'a/b', 'a_b', "x'; DROP TABLE", 'a'.repeat(33), '../me'])
      assert.throws(() => listenerId(bad), /is not a listener name/);
  });

  it('a damaged registry is an error that says how to repair it, not an empty household', async () => {
    const { root, lake } = await emptyLake();
    await saveListener(lake, { id: 'anna' });
    await writeFile(join(root, LISTENERS_PATH), '{"version": 1, "listeners": [');
    await assert.rejects(readListeners(lake), /not valid JSON.*|doctor --fix/s);
    await writeFile(join(root, LISTENERS_PATH), '{"version": 1, "listeners": [{"id": "A B"}]}');
    await assert.rejects(readListeners(lake), /does not hold a list of listeners/);
  });
});
