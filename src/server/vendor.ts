import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notFound } from './http-error.js';

/**
 * The charting library the dashboard draws with (Observable Plot, and d3 beneath it), served
 * from the installed packages at /vendor/: no CDN, nothing fetched from elsewhere. Their
 * browser builds (UMD) set `window.d3` and `window.Plot`.
 */
const VENDOR: Record<string, () => string> = {
  '/vendor/d3.min.js': () => join(dirname(packageEntry('d3')), 'd3.min.js'),
  '/vendor/plot.umd.min.js': () =>
    join(dirname(dirname(packageEntry('@observablehq/plot'))), 'dist', 'plot.umd.min.js'),
};

/** Where a package's main module is (d3: dist/d3.mjs; Plot: src/index.js). */
function packageEntry(name: string): string {
  return fileURLToPath(import.meta.resolve(name));
}

export function isVendorPath(pathname: string): boolean {
  return Object.hasOwn(VENDOR, pathname);
}

export async function vendorFile(pathname: string): Promise<{ body: Buffer; type: string }> {
  const locate = VENDOR[pathname];
  if (!locate) throw notFound();
  return { body: await readFile(locate()), type: 'text/javascript; charset=utf-8' };
}
