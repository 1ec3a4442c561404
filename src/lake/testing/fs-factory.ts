import { FsLake } from '../drivers/fs.js';

/** Opens a local-folder lake in a child process (contract suite crash test). */
export function createLake(options: { root: string }): FsLake {
  return new FsLake(options.root);
}
