import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { ConfigError } from '../../errors.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, type Azurite, startAzurite } from '../testing/azurite.js';
import { lakeContract } from '../testing/contract.js';
import { AzureLake, type AzureLakeOptions } from './azure.js';

let azurite: Promise<Azurite> | undefined;
const emulator = () => {
  azurite ??= startAzurite();
  return azurite;
};
after(async () => {
  if (azurite) await (await azurite).stop();
});

/** A new container in Azurite, and the driver options for a lake inside it. */
async function freshContainer(prefix: string): Promise<AzureLakeOptions> {
  const { connectionString } = await emulator();
  const container = `lake-${randomBytes(6).toString('hex')}`;
  await BlobServiceClient.fromConnectionString(connectionString).createContainer(container);
  return { url: `az://${container}/${prefix}`, container, prefix, connectionString };
}

lakeContract('Azure Blob (Azurite)', {
  async create() {
    // A folder inside the container, so every path goes through the prefix handling.
    return { lake: new AzureLake(await freshContainer('wrapped/me')) };
  },
  childWriter: (lake) => ({
    module: fileURLToPath(new URL('../testing/azure-factory.ts', import.meta.url)),
    options: (lake as AzureLake).options,
  }),
});

describe('Azure driver specifics', () => {
  it('keeps to its folder: a sibling folder in the same container is neither listed nor touched', async () => {
    const options = await freshContainer('mine');
    const mine = new AzureLake(options);
    const theirs = new AzureLake({ ...options, prefix: 'mine-too', url: 'az://x/mine-too' });
    await theirs.put('raw/x.json', 'theirs');
    await mine.put('raw/x.json', 'mine');
    const listed = [];
    for await (const e of mine.list()) listed.push(e.path);
    assert.deepEqual(listed, ['raw/x.json']);
    assert.equal((await theirs.get('raw/x.json')).toString(), 'theirs');
  });

  it('a wrong key names the setting and shows no key material', async () => {
    const { blobEndpoint } = await emulator();
    const options = await freshContainer('');
    const wrongKey = Buffer.from('not the key of this account at all').toString('base64');
    const lake = new AzureLake({
      url: options.url,
      container: options.container,
      prefix: '',
      account: 'devstoreaccount1',
      accountKey: wrongKey,
      blobEndpoint,
    });
    const error = await lake.put('raw/x.json', '{}').catch((e: Error) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /AZURE_STORAGE_KEY/);
    assert.match(error.message, /403/);
    assert.ok(!error.message.includes(wrongKey) && !String(error.hint).includes(wrongKey));
  });

  it('signs in with a SAS token; a read-only SAS cannot write and says so', async () => {
    const { blobEndpoint } = await emulator();
    const options = await freshContainer('');
    const sas = (permissions: string) =>
      generateAccountSASQueryParameters(
        {
          expiresOn: new Date(Date.now() + 3_600_000),
          permissions: AccountSASPermissions.parse(permissions),
          resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
          services: AccountSASServices.parse('b').toString(),
        },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
      ).toString();
    const base = {
      url: options.url,
      container: options.container,
      prefix: 'sas',
      account: AZURITE_ACCOUNT,
      blobEndpoint,
    };
    const writer = new AzureLake({ ...base, sasToken: sas('rwdlc') });
    await writer.put('raw/x.json', '{"ok":true}', { createOnly: true });
    const listed = [];
    for await (const e of writer.list('raw/')) listed.push(e.path);
    assert.deepEqual(listed, ['raw/x.json']);

    const readOnlyToken = sas('rl');
    const reader = new AzureLake({ ...base, sasToken: readOnlyToken });
    assert.equal((await reader.get('raw/x.json')).toString(), '{"ok":true}');
    const error = await reader.put('raw/y.json', '{}').catch((e: Error) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /AZURE_STORAGE_SAS_TOKEN.*403/);
    const signature = new URLSearchParams(readOnlyToken).get('sig') as string;
    assert.ok(!`${error.message}${error.hint}`.includes(signature));
  });

  it('a missing container is a configuration error that says how to create it', async () => {
    const { connectionString } = await emulator();
    const lake = new AzureLake({
      url: 'az://nope/x',
      container: 'nope',
      prefix: 'x',
      connectionString,
    });
    for (const op of [
      () => lake.put('raw/x.json', '{}'),
      () => lake.get('raw/x.json'),
      async () => {
        for await (const _ of lake.list('raw/')) break;
      },
    ]) {
      const error = await op().catch((e: Error) => e);
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /container "nope".*does not exist/);
      assert.match(String(error.hint), /az storage container create --name nope/);
      assert.ok(!error.message.includes('AccountKey'));
    }
  });

  it('a lake URL without an account and no connection string says what to set', () => {
    assert.throws(
      () => new AzureLake({ url: 'az://lake/x', container: 'lake', prefix: 'x' }),
      (e: Error) =>
        e instanceof ConfigError && /AZURE_STORAGE_ACCOUNT/.test(String((e as ConfigError).hint)),
    );
  });
});
