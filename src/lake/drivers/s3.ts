import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ConfigError, LakeConflictError, LakeNotFoundError, WrappedError } from '../../errors.js';
import { contentTypeOf, readAhead, readAll } from '../body.js';
import type { Lake, LakeBody, LakeEntry, ListOptions, PutOptions, Versioned } from '../lake.js';
import { checkLakePath, checkLakePrefix, sortsAfter } from '../paths.js';

/** Everything the S3 driver needs; built from settings by `openLake`. */
export interface S3LakeOptions {
  /** The lake URL as the user wrote it (s3://bucket/prefix), for messages. */
  url: string;
  bucket: string;
  /** Folder inside the bucket, without leading or trailing `/` ('' for the root). */
  prefix: string;
  /** A custom endpoint: MinIO, Cloudflare R2, an emulator. */
  endpoint?: string | undefined;
  /** Address buckets as ENDPOINT/bucket (most S3-compatible stores want this). */
  pathStyle?: boolean | undefined;
  region?: string | undefined;
  /** Only for tests against an emulator; otherwise the AWS SDK's standard chain signs in. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** Bodies up to this size go up in one PutObject; larger ones as a multipart upload. */
const SINGLE_PUT_BYTES = 32 * 1024 * 1024;
/** Multipart part size (S3's minimum is 5 MiB for every part but the last). */
const PART_BYTES = 8 * 1024 * 1024;
const PAGE_SIZE = 1000;

/**
 * The lake in an S3 bucket (AWS, or MinIO, R2 and others through a custom endpoint).
 *
 * Atomicity: a small body is one PutObject; a large or streamed one is a multipart upload,
 * visible only once CompleteMultipartUpload succeeds (an upload abandoned by a killed writer
 * stays invisible; a bucket lifecycle rule removes its parts). Create-only writes send
 * `If-None-Match: *` with the request that publishes, so S3 answers 412 to the second writer.
 */
export class S3Lake implements Lake {
  readonly location: string;
  readonly localRoot = undefined;
  private readonly client: S3Client;
  private readonly root: string;

  constructor(readonly options: S3LakeOptions) {
    this.location = options.url;
    this.root = options.prefix === '' ? '' : `${options.prefix}/`;
    // The SDK release pinned in package.json supports Node 20; its warning is about releases
    // after January 2027, and would otherwise be printed by every command.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: options.region ?? 'us-east-1',
      endpoint: options.endpoint,
      forcePathStyle: options.pathStyle ?? false,
      maxAttempts: 3,
      // Extra checksums only where S3 requires them: several S3-compatible stores refuse them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  private key(path: string): string {
    return this.root + checkLakePath(path);
  }

  async put(path: string, body: LakeBody, options: PutOptions = {}): Promise<void> {
    const Key = this.key(path);
    const common = {
      Bucket: this.options.bucket,
      Key,
      ContentType: contentTypeOf(path),
      ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
      ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
    };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        await this.client.send(new PutObjectCommand({ ...common, Body: data }));
        return;
      }
      const { head, rest } = await readAhead(body, SINGLE_PUT_BYTES);
      if (rest === undefined) {
        await this.client.send(new PutObjectCommand({ ...common, Body: head }));
      } else {
        await this.multipart(common, rest);
      }
    } catch (error) {
      const status = statusOf(error);
      if (options.createOnly && (status === 412 || status === 409)) {
        throw new LakeConflictError(`${path} already exists in the lake; it was not overwritten.`);
      }
      // If-Match on an object that changed (412; 409 when a write raced it) or is gone (404).
      if (options.ifMatch !== undefined && (status === 412 || status === 409 || status === 404))
        throw new LakeConflictError(
          `${path} changed since it was read (or is gone); it was not overwritten.`,
        );
      throw this.translate(error, `write ${path}`);
    }
  }

  private async multipart(
    common: {
      Bucket: string;
      Key: string;
      ContentType: string;
      IfNoneMatch?: string;
      IfMatch?: string;
    },
    body: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    const { IfNoneMatch, IfMatch, ...target } = common;
    const created = await this.client.send(new CreateMultipartUploadCommand(target));
    const UploadId = created.UploadId as string;
    const parts: Array<{ ETag: string; PartNumber: number }> = [];
    try {
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        const PartNumber = parts.length + 1;
        const answer = await this.client.send(
          new UploadPartCommand({
            Bucket: target.Bucket,
            Key: target.Key,
            UploadId,
            PartNumber,
            Body: Buffer.concat(pending),
          }),
        );
        parts.push({ ETag: answer.ETag as string, PartNumber });
        pending = [];
        size = 0;
      };
      for await (const chunk of body) {
        pending.push(Buffer.from(chunk));
        size += chunk.byteLength;
        if (size >= PART_BYTES) await flush();
      }
      if (size > 0 || parts.length === 0) await flush();
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: target.Bucket,
          Key: target.Key,
          UploadId,
          MultipartUpload: { Parts: parts },
          ...(IfNoneMatch ? { IfNoneMatch } : {}),
          ...(IfMatch ? { IfMatch } : {}),
        }),
      );
    } catch (error) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  async get(path: string): Promise<Buffer> {
    return readAll(await this.getStream(path));
  }

  async getVersioned(path: string): Promise<Versioned | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(path) }),
      );
      return { body: await readAll(answer.Body as Readable), version: answer.ETag as string };
    } catch (error) {
      if (statusOf(error) === 404 && (error as { name?: string }).name !== 'NoSuchBucket')
        return undefined;
      throw this.translate(error, `read ${path}`, path);
    }
  }

  async getStream(path: string): Promise<Readable> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(path) }),
      );
      return answer.Body as Readable;
    } catch (error) {
      throw this.translate(error, `read ${path}`, path);
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(path) }),
      );
      return true;
    } catch (error) {
      // A HEAD answer has no body: a missing bucket looks like a missing key here, and is
      // caught by the first list or write.
      if (statusOf(error) === 404) return false;
      throw this.translate(error, `look up ${path}`);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(path) }),
      );
    } catch (error) {
      throw this.translate(error, `delete ${path}`);
    }
  }

  async *list(prefix = '', options: ListOptions = {}): AsyncIterable<LakeEntry> {
    checkLakePrefix(prefix);
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.root + prefix,
            MaxKeys: PAGE_SIZE,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw this.translate(error, `list ${prefix || '/'}`);
      }
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined || item.Key.endsWith('/')) continue;
        const path = item.Key.slice(this.root.length);
        // Filtered here, not by S3's StartAfter: emulators order keys differently.
        if (!sortsAfter(path, options.startAfter)) continue;
        yield {
          path,
          size: item.Size ?? 0,
          modifiedAt: item.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Turns the SDK's errors into ones that say which setting to fix; never the request itself. */
  private translate(error: unknown, action: string, missingPath?: string): Error {
    if (error instanceof WrappedError) return error;
    const status = statusOf(error);
    const code = (error as { name?: string }).name ?? '';
    const said = String((error as Error).message ?? '')
      .split('\n')[0]
      ?.slice(0, 200);
    const where = `bucket "${this.options.bucket}" (WRAPPED_LAKE = ${this.options.url})`;
    if (code === 'NoSuchBucket') {
      return new ConfigError(
        `Cannot ${action}: S3 says the ${where} does not exist (404 NoSuchBucket).`,
        {
          hint: `Create it (aws s3 mb s3://${this.options.bucket}) or fix WRAPPED_LAKE.`,
        },
      );
    }
    if (missingPath !== undefined && (code === 'NoSuchKey' || status === 404)) {
      return new LakeNotFoundError(`${missingPath} is not in the lake.`);
    }
    if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(said ?? '')) {
      return new ConfigError(`Cannot ${action} in the ${where}: no AWS credentials were found.`, {
        hint: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an instance or task role applies.',
      });
    }
    if (status === 403 || status === 401) {
      return new ConfigError(
        `Cannot ${action}: S3 refused the credentials for the ${where} (${status} ${code}${said ? `: ${said}` : ''}).`,
        {
          hint: 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE): they must allow s3:GetObject, PutObject, DeleteObject and ListBucket here.',
        },
      );
    }
    if (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
      return new ConfigError(`Cannot ${action}: the ${where} is in another region (${code}).`, {
        hint: "Set AWS_REGION to the bucket's region.",
      });
    }
    const network = (error as NodeJS.ErrnoException).code;
    if (network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
      return new ConfigError(
        `Cannot ${action}: the S3 endpoint for the ${where} cannot be found (${network}).`,
        {
          hint: 'Check WRAPPED_S3_ENDPOINT, WRAPPED_S3_PATH_STYLE and AWS_REGION, and that this machine is online.',
        },
      );
    }
    if (network === 'ECONNREFUSED' || network === 'ECONNRESET' || network === 'ETIMEDOUT') {
      return new WrappedError(
        `Cannot ${action}: the S3 endpoint for the ${where} did not answer (${network}).`,
        {
          retryable: true,
          hint: 'Check WRAPPED_S3_ENDPOINT and the network; the next run retries.',
        },
      );
    }
    if (status !== undefined) {
      return new WrappedError(
        `Cannot ${action} in the ${where}: S3 answered ${status} ${code}${said ? `: ${said}` : ''}.`,
        { retryable: status >= 500 || status === 429 },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Opens the driver in a child process (the contract suite's crash test). */
export function createLake(options: S3LakeOptions): S3Lake {
  return new S3Lake(options);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
