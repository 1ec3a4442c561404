import { Readable } from 'node:stream';
import { DefaultAzureCredential } from '@azure/identity';
import {
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { ConfigError, LakeConflictError, LakeNotFoundError, WrappedError } from '../../errors.js';
import { contentTypeOf, readAhead, readAll } from '../body.js';
import type { Lake, LakeBody, LakeEntry, ListOptions, PutOptions, Versioned } from '../lake.js';
import { checkLakePath, checkLakePrefix, sortsAfter } from '../paths.js';

/** Everything the Azure driver needs; built from settings by `openLake`. */
export interface AzureLakeOptions {
  /** The lake URL as the user wrote it (az:// or abfss://), for messages. */
  url: string;
  container: string;
  /** Folder inside the container, without leading or trailing `/` ('' for the root). */
  prefix: string;
  account?: string | undefined;
  connectionString?: string | undefined;
  accountKey?: string | undefined;
  sasToken?: string | undefined;
  blobEndpoint?: string | undefined;
}

/** Bodies up to this size go up in one Put Blob request; larger ones in blocks. */
const SINGLE_PUT_BYTES = 32 * 1024 * 1024;
const BLOCK_BYTES = 8 * 1024 * 1024;
/** Listing page size: a huge prefix is fetched a page at a time, as the caller iterates. */
const PAGE_SIZE = 1000;

const PIPELINE: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 8_000 },
};

/**
 * The lake in Azure Blob Storage or ADLS Gen2, through the Blob API (both account kinds speak it;
 * Azurite, the emulator the tests use, speaks only that).
 *
 * Atomicity: a small body is one Put Blob request; a large or streamed one is staged as blocks
 * and becomes visible only when the block list is committed, so a writer killed halfway leaves
 * nothing a reader can see (Azure drops uncommitted blocks after a week). Create-only writes
 * send `If-None-Match: *` with the request that publishes, so of two racing writers one gets
 * 409/412 and nothing is overwritten.
 */
export class AzureLake implements Lake {
  readonly location: string;
  readonly localRoot = undefined;
  private readonly container: ContainerClient;
  /** Blob-name prefix of every lake path: the URL's folder plus `/`, or ''. */
  private readonly root: string;
  /** Which setting signed in, so an authentication error can name it. */
  private readonly credentialSetting: string;

  constructor(readonly options: AzureLakeOptions) {
    this.location = options.url;
    this.root = options.prefix === '' ? '' : `${options.prefix}/`;
    const { service, setting } = serviceClient(options);
    this.credentialSetting = setting;
    this.container = service.getContainerClient(options.container);
  }

  private blobName(path: string): string {
    return this.root + checkLakePath(path);
  }

  async put(path: string, body: LakeBody, options: PutOptions = {}): Promise<void> {
    const blob = this.container.getBlockBlobClient(this.blobName(path));
    const conditions = options.createOnly
      ? { ifNoneMatch: '*' }
      : options.ifMatch !== undefined
        ? { ifMatch: options.ifMatch }
        : undefined;
    const blobHTTPHeaders = { blobContentType: contentTypeOf(path) };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        if (data.byteLength <= SINGLE_PUT_BYTES) {
          await blob.upload(data, data.byteLength, { conditions, blobHTTPHeaders });
        } else {
          await blob.uploadData(data, { conditions, blobHTTPHeaders, blockSize: BLOCK_BYTES });
        }
      } else {
        // A small streamed body (most are) still goes up in one request: read ahead up to the
        // single-put size, and switch to blocks only when the stream is longer than that.
        const { head, rest } = await readAhead(body, SINGLE_PUT_BYTES);
        if (rest === undefined) {
          await blob.upload(head, head.byteLength, { conditions, blobHTTPHeaders });
        } else {
          await blob.uploadStream(Readable.from(rest), BLOCK_BYTES, 2, {
            conditions,
            blobHTTPHeaders,
          });
        }
      }
    } catch (error) {
      const status = statusOf(error);
      if (options.createOnly && (status === 409 || status === 412)) {
        throw new LakeConflictError(`${path} already exists in the lake; it was not overwritten.`);
      }
      // If-Match on a blob that changed (412) or is gone (404 BlobNotFound).
      if (
        options.ifMatch !== undefined &&
        (status === 412 || (status === 404 && errorCode(error) !== 'ContainerNotFound'))
      )
        throw new LakeConflictError(
          `${path} changed since it was read (or is gone); it was not overwritten.`,
        );
      throw this.translate(error, `write ${path}`);
    }
  }

  async getVersioned(path: string): Promise<Versioned | undefined> {
    const blob = this.container.getBlobClient(this.blobName(path));
    try {
      const response = await blob.download();
      const body = await readAll(response.readableStreamBody as Readable);
      return { body, version: response.etag as string };
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) !== 'ContainerNotFound') return undefined;
      throw this.translate(error, `read ${path}`, path);
    }
  }

  async get(path: string): Promise<Buffer> {
    const blob = this.container.getBlobClient(this.blobName(path));
    try {
      const response = await blob.download();
      return await readAll(response.readableStreamBody as Readable);
    } catch (error) {
      throw this.translate(error, `read ${path}`, path);
    }
  }

  async getStream(path: string): Promise<Readable> {
    const blob = this.container.getBlobClient(this.blobName(path));
    try {
      const response = await blob.download();
      return response.readableStreamBody as Readable;
    } catch (error) {
      throw this.translate(error, `read ${path}`, path);
    }
  }

  async exists(path: string): Promise<boolean> {
    const blob = this.container.getBlobClient(this.blobName(path));
    try {
      const properties = await blob.getProperties();
      // ADLS Gen2 (hierarchical namespace) shows folders as empty blobs marked hdi_isfolder.
      return properties.metadata?.hdi_isfolder !== 'true';
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) !== 'ContainerNotFound') return false;
      throw this.translate(error, `look up ${path}`);
    }
  }

  async delete(path: string): Promise<void> {
    const blob = this.container.getBlobClient(this.blobName(path));
    try {
      await blob.deleteIfExists();
    } catch (error) {
      throw this.translate(error, `delete ${path}`);
    }
  }

  async *list(prefix = '', options: ListOptions = {}): AsyncIterable<LakeEntry> {
    checkLakePrefix(prefix);
    const pages = this.container
      .listBlobsFlat({ prefix: this.root + prefix, includeMetadata: true })
      .byPage({ maxPageSize: PAGE_SIZE });
    try {
      for await (const page of pages) {
        for (const item of page.segment.blobItems) {
          if (item.metadata?.hdi_isfolder === 'true') continue;
          const path = item.name.slice(this.root.length);
          if (!sortsAfter(path, options.startAfter)) continue;
          yield {
            path,
            size: item.properties.contentLength ?? 0,
            modifiedAt: item.properties.lastModified,
          };
        }
      }
    } catch (error) {
      throw this.translate(error, `list ${prefix || '/'}`);
    }
  }

  /**
   * Turns the SDK's errors into ones that say which setting to fix. The service's own words are
   * kept (first line only: the rest is request ids), never the request, which can carry a SAS.
   */
  private translate(error: unknown, action: string, missingPath?: string): Error {
    if (error instanceof WrappedError) return error;
    const status = statusOf(error);
    const code = errorCode(error);
    const said = serviceMessage(error);
    const where = `container "${this.options.container}" (WRAPPED_LAKE = ${this.options.url})`;
    if (status === 404 && code !== 'ContainerNotFound' && missingPath !== undefined) {
      return new LakeNotFoundError(`${missingPath} is not in the lake.`);
    }
    if (status === 404 && (code === 'ContainerNotFound' || missingPath === undefined)) {
      return new ConfigError(
        `Cannot ${action}: Azure says the ${where} does not exist (404 ${code ?? 'ContainerNotFound'}).`,
        {
          hint: `Create it (az storage container create --name ${this.options.container}) or fix WRAPPED_LAKE.`,
        },
      );
    }
    if (status === 403 || status === 401) {
      return new ConfigError(
        `Cannot ${action}: Azure refused the credentials from ${this.credentialSetting} for the ${where} (${status} ${code ?? ''}${said ? `: ${said}` : ''}).`,
        {
          hint: `Check ${this.credentialSetting}: the key or SAS must belong to this account and allow read, write, delete and list.`,
        },
      );
    }
    const network = (error as NodeJS.ErrnoException).code;
    if (network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
      return new ConfigError(
        `Cannot ${action}: the Azure Blob endpoint for the ${where} cannot be found (${network}).`,
        {
          hint: 'Check the account name (AZURE_STORAGE_ACCOUNT, the abfss:// URL or the connection string) and AZURE_STORAGE_BLOB_ENDPOINT, and that this machine is online.',
        },
      );
    }
    if (network === 'ECONNREFUSED' || network === 'ECONNRESET' || network === 'ETIMEDOUT') {
      return new WrappedError(
        `Cannot ${action}: the Azure Blob endpoint for the ${where} did not answer (${network}).`,
        {
          retryable: true,
          hint: 'Check AZURE_STORAGE_BLOB_ENDPOINT and the network; the next run retries.',
        },
      );
    }
    if (status !== undefined) {
      return new WrappedError(
        `Cannot ${action} in the ${where}: Azure answered ${status} ${code ?? ''}${said ? `: ${said}` : ''}.`,
        { retryable: status >= 500 || status === 429 },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Opens the driver in a child process (the contract suite's crash test). */
export function createLake(options: AzureLakeOptions): AzureLake {
  return new AzureLake(options);
}

function serviceClient(options: AzureLakeOptions): { service: BlobServiceClient; setting: string } {
  if (options.connectionString) {
    try {
      return {
        service: BlobServiceClient.fromConnectionString(options.connectionString, PIPELINE),
        setting: 'AZURE_STORAGE_CONNECTION_STRING',
      };
    } catch {
      // The SDK's message quotes the string, key and all; say what is wrong without it.
      throw new ConfigError(
        'AZURE_STORAGE_CONNECTION_STRING is not a valid storage connection string.',
        {
          hint: 'Copy it from the storage account\'s "Access keys" page; it holds AccountName=...;AccountKey=... or BlobEndpoint=...;SharedAccessSignature=...',
        },
      );
    }
  }
  const account = options.account;
  if (!account) {
    throw new ConfigError(
      `WRAPPED_LAKE = ${options.url} names no storage account, and no connection string is set.`,
      {
        hint: 'Set AZURE_STORAGE_ACCOUNT, use abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/..., or set AZURE_STORAGE_CONNECTION_STRING.',
      },
    );
  }
  const endpoint = options.blobEndpoint ?? `https://${account}.blob.core.windows.net`;
  if (options.accountKey) {
    let credential: StorageSharedKeyCredential;
    try {
      credential = new StorageSharedKeyCredential(account, options.accountKey);
    } catch {
      throw new ConfigError('AZURE_STORAGE_KEY is not a valid account key (base64 expected).');
    }
    return {
      service: new BlobServiceClient(endpoint, credential, PIPELINE),
      setting: 'AZURE_STORAGE_KEY',
    };
  }
  if (options.sasToken) {
    return {
      service: new BlobServiceClient(`${endpoint}?${options.sasToken}`, undefined, PIPELINE),
      setting: 'AZURE_STORAGE_SAS_TOKEN',
    };
  }
  return {
    service: new BlobServiceClient(endpoint, new DefaultAzureCredential(), PIPELINE),
    setting: 'DefaultAzureCredential (managed identity, environment, or `az login`)',
  };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The service's error code: in the body for most calls, only in a header for HEAD requests. */
function errorCode(error: unknown): string | undefined {
  const e = error as {
    code?: unknown;
    details?: { errorCode?: unknown };
    response?: { headers?: { get?: (name: string) => string | undefined } };
  };
  const fromHeader = e.response?.headers?.get?.('x-ms-error-code');
  const code = e.details?.errorCode ?? fromHeader ?? e.code;
  return typeof code === 'string' && /^[A-Za-z]+$/.test(code) ? code : undefined;
}

function serviceMessage(error: unknown): string {
  const message = (error as { details?: { message?: unknown } }).details?.message;
  const text = typeof message === 'string' ? message : '';
  return text.split('\n')[0]?.trim().slice(0, 200) ?? '';
}
