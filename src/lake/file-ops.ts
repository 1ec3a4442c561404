import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Lake } from './lake.js';

/**
 * File moves a build makes in the lake, whatever the driver. A local lake renames in place; a
 * remote one (Azure, S3) copies through this process and then deletes, since object stores
 * have no rename that every driver shares. Each step is atomic on its own (`put` publishes all
 * bytes or nothing), so a move killed midway leaves the source or both, never a torn file.
 */

/** `<root>/<lake path>` on this machine. */
const local = (root: string, path: string) => join(root, ...path.split('/'));

export async function moveFile(lake: Lake, from: string, to: string): Promise<void> {
  if (lake.localRoot !== undefined) {
    await mkdir(dirname(local(lake.localRoot, to)), { recursive: true });
    await rename(local(lake.localRoot, from), local(lake.localRoot, to));
    return;
  }
  await lake.put(to, await lake.getStream(from));
  await lake.delete(from);
}

/** Removes a folder and everything under it; a missing folder is not an error. */
export async function removeFolder(lake: Lake, folder: string): Promise<void> {
  if (lake.localRoot !== undefined) {
    await rm(local(lake.localRoot, folder), { recursive: true, force: true });
    return;
  }
  for (const path of await filesUnder(lake, folder)) await lake.delete(path);
}

/** The files under a folder (lake paths, sorted), at any depth. */
export async function filesUnder(lake: Lake, folder: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of lake.list(`${folder}/`)) paths.push(entry.path);
  return paths;
}

export async function allExist(lake: Lake, paths: string[]): Promise<boolean> {
  for (const path of paths) if (!(await lake.exists(path))) return false;
  return true;
}
