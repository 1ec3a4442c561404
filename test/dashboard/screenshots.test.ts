/**
 * `npm run screenshots`, the script that takes the README's pictures from a real build, works
 * on a fresh machine: it writes the Overview, an artist's page and two Wrapped story slides at
 * desktop and phone width, each a real PNG of the size asked for.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { noChromium } from '../support/browser.js';
import { REPO } from '../support/helpers.js';

describe('the README screenshots script', { skip: noChromium }, () => {
  it('photographs four views at 1280 and 390 px from a simulated build', async () => {
    const out = await mkdtemp(join(tmpdir(), 'wrapped-shots-'));
    try {
      const result = spawnSync(
        process.execPath,
        [join(REPO, 'scripts', 'screenshots.mjs'), '--out', out],
        { encoding: 'utf8', env: { ...process.env, WRAPPED_LAKE: '' } },
      );
      assert.equal(result.status, 0, result.stderr);
      const files = (await readdir(out)).sort();
      assert.deepEqual(
        files,
        ['artist', 'overview', 'story-minutes', 'story-top-songs']
          .flatMap((view) => [`${view}-desktop.png`, `${view}-phone.png`])
          .sort(),
      );
      for (const file of files) {
        const png = await readFile(join(out, file));
        assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], file);
        // The PNG header's width: the viewport asked for.
        assert.equal(png.readUInt32BE(16), file.includes('phone') ? 390 : 1280, file);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
