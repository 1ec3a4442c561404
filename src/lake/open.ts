import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { AzureLake } from './drivers/azure.js';
import { FsLake } from './drivers/fs.js';
import type { Lake } from './lake.js';

/** The settings a lake driver reads: where the lake is, and how to sign in to cloud storage. */
export type LakeSettings = Pick<
  Settings,
  | 'lake'
  | 'azureConnectionString'
  | 'azureAccount'
  | 'azureKey'
  | 'azureSasToken'
  | 'azureBlobEndpoint'
  | 's3Endpoint'
  | 's3PathStyle'
  | 's3Region'
>;

/** Opens the lake a `WRAPPED_LAKE` / `--lake` value points at. */
export function openLake(settings: LakeSettings): Lake {
  const location = settings.lake;
  switch (location.kind) {
    case 'fs':
      return new FsLake(location.root);
    case 'azure':
      return new AzureLake({
        url: location.url,
        container: location.container,
        prefix: location.prefix,
        // An abfss:// URL names its account; az:// takes it from the settings.
        account: location.account ?? settings.azureAccount,
        connectionString: settings.azureConnectionString,
        accountKey: settings.azureKey,
        sasToken: settings.azureSasToken,
        blobEndpoint: settings.azureBlobEndpoint,
      });
    case 's3':
      // Said plainly rather than pretending: the S3 driver is a later piece of work.
      throw new ConfigError(
        `WRAPPED_LAKE = ${location.url}: the S3 lake driver is not built yet.`,
        {
          hint: 'Use a local folder (the default is HOME/lake) or an Azure lake (az://, abfss://).',
        },
      );
  }
}
