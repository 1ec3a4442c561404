import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { notFound } from './http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * A file of the front end. The path is decoded once and must stay inside `root` after
 * resolution: `..`, encoded slashes and the like end in 404, never outside the folder.
 */
export async function staticFile(
  root: string,
  pathname: string,
): Promise<{ body: Buffer; type: string }> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw notFound();
  }
  if (decoded.includes('\0')) throw notFound();
  const base = resolve(root);
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = resolve(join(base, relative));
  if (!file.startsWith(base + sep)) throw notFound();
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw notFound();
  return {
    body: await readFile(file),
    type: TYPES[extname(file)] ?? 'application/octet-stream',
  };
}
