import type { LakeLocation } from '../config/validators.js';
import { ConfigError } from '../errors.js';
import { FsLake } from './drivers/fs.js';
import type { Lake } from './lake.js';

/** Opens the lake a `WRAPPED_LAKE` / `--lake` value points at. */
export function openLake(location: LakeLocation): Lake {
  switch (location.kind) {
    case 'fs':
      return new FsLake(location.root);
    case 'azure':
    case 's3':
      // Said plainly rather than pretending: the cloud drivers are a later piece of work.
      throw new ConfigError(
        `WRAPPED_LAKE = ${location.url}: the ${location.kind === 'azure' ? 'Azure' : 'S3'} lake driver is not built yet.`,
        { hint: 'Use a local folder for now (the default is HOME/lake).' },
      );
  }
}
