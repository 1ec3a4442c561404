/**
 * What `npm install wrapped-me` gets: the package holds the command, the built code, the models
 * and every file of the dashboard, including each ES module the page imports (a module left
 * out of the package would be a blank dashboard for everyone who installed it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/helpers.js';

/** The files `npm pack` would put in the package, as paths inside it. */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const [pack] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return new Set((pack?.files ?? []).map((f) => f.path));
}

/** Every module a front-end module imports, followed from `web/app.js`. */
async function frontEndModules(): Promise<string[]> {
  const seen = new Set<string>();
  const visit = async (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = await readFile(join(REPO, path), 'utf8');
    for (const [, spec] of text.matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm))
      await visit(posix.normalize(posix.join(posix.dirname(path), spec as string)));
  };
  await visit('web/app.js');
  return [...seen];
}

describe('the npm package', () => {
  it('holds the command, the models and every file of the dashboard', async () => {
    const files = packedFiles();
    for (const path of ['bin/wrapped.js', 'dist/cli/main.js', 'web/index.html', 'web/style.css'])
      assert.ok(files.has(path), `${path} is in the package`);
    const models = await readdir(join(REPO, 'models', 'gold'));
    for (const model of models) assert.ok(files.has(`models/gold/${model}`), model);
    const modules = await frontEndModules();
    assert.ok(modules.length > 3, `app.js imports modules (${modules.join(', ')})`);
    for (const module of modules) assert.ok(files.has(module), `${module} is in the package`);
  });
});
