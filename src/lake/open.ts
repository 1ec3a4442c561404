import type { Settings } from '../config/settings.js';
import { FsLake } from './drivers/fs.js';
import type { Lake } from './lake.js';
import { LazyLake } from './lazy.js';

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

/**
 * Opens the lake a `WRAPPED_LAKE` / `--lake` value points at. A cloud driver (and its SDK)
 * loads on the lake's first use, so that commands on a local lake start fast.
 */
export function openLake(settings: LakeSettings): Lake {
  const location = settings.lake;
  switch (location.kind) {
    case 'fs':
      return new FsLake(location.root);
    case 'azure':
      return new LazyLake(location.url, async () => {
        const { AzureLake } = await import('./drivers/azure.js');
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
      });
    case 's3':
      return new LazyLake(location.url, async () => {
        const { S3Lake } = await import('./drivers/s3.js');
        return new S3Lake({
          url: location.url,
          bucket: location.bucket,
          prefix: location.prefix,
          endpoint: settings.s3Endpoint,
          pathStyle: settings.s3PathStyle,
          region: settings.s3Region,
        });
      });
  }
}
