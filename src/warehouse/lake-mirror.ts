import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FsLake } from '../lake/drivers/fs.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { LoadLedger } from '../lake/ledger.js';
import { publishedManifests, readManifest, removeUnpublishedParts } from './manifest.js';

/** What a pull or push moved, for progress lines and `--json`. */
export interface MirrorReport {
  files: number;
  bytes: number;
}

export type MirrorProgress = (event: {
  action: 'pull' | 'push' | 'publish';
  path: string;
  bytes: number;
}) => void;

/**
 * A local copy of a remote lake (Azure, S3) for the engine. DuckDB reads and writes only local
 * files here (its cloud extensions cannot be installed offline), so over a remote lake:
 *
 * - before a build, `pullForBuild` copies the ledger, the raw files it lists and the recorded
 *   gaps that are not cached yet (raw files and ledger entries never change once written, so
 *   a cached copy is never stale);
 * - the build writes Parquet and manifests into the copy;
 * - `pushPublished` then uploads each table whose manifest differs from the remote one: its
 *   Parquet files first, the manifest last, and only then removes the remote files the new
 *   manifest no longer names. A push killed at any point leaves every remote manifest pointing
 *   at complete files (each upload is atomic), and the next push finishes the job;
 * - readers (`recap`, `query`, `serve` from any HOME) call `pullPublished`, which follows the
 *   remote manifests and downloads only the Parquet files not cached yet.
 */
export class LakeMirror {
  constructor(
    readonly remote: Lake,
    readonly local: FsLake,
  ) {}

  /** The mirror of a remote lake, cached in HOME; undefined for a local lake (used in place). */
  static forLake(home: string, lake: Lake): LakeMirror | undefined {
    if (lake.localRoot !== undefined) return undefined;
    const id = createHash('sha256').update(lake.location).digest('hex').slice(0, 16);
    return new LakeMirror(lake, new FsLake(join(home, 'lake-cache', id)));
  }

  async pullForBuild(onProgress?: MirrorProgress): Promise<MirrorReport> {
    const report: MirrorReport = { files: 0, bytes: 0 };
    // The ledger: entries are create-only, so one not cached yet is all that can be missing.
    const cachedEntries = await this.localPaths(layout.ledgerPrefix());
    for await (const entry of this.remote.list(layout.ledgerPrefix())) {
      if (!entry.path.endsWith('.json') || cachedEntries.has(entry.path)) continue;
      await this.copy(this.remote, this.local, entry.path, report, 'pull', onProgress);
    }
    // Every raw file a ledger entry lists (checked against the whole ledger, not only the new
    // entries, so a pull interrupted earlier is completed now).
    const cachedRaw = await this.localPaths('raw/');
    for await (const entry of new LoadLedger(this.local).entries()) {
      for (const file of entry.files) {
        if (!file.path.startsWith('raw/') || cachedRaw.has(file.path)) continue;
        await this.copy(this.remote, this.local, file.path, report, 'pull', onProgress);
        cachedRaw.add(file.path);
      }
    }
    // Recorded gaps are small and few, and may be rewritten: mirrored exactly each time.
    await this.mirrorFolder(layout.statePrefix('gaps'), report, onProgress);
    return report;
  }

  /** Uploads every table whose local manifest is newer than the remote one; manifests last. */
  async pushPublished(onProgress?: MirrorProgress): Promise<MirrorReport> {
    const report: MirrorReport = { files: 0, bytes: 0 };
    for (const manifestPath of await publishedManifests(this.local)) {
      const local = await readManifest(this.local, manifestPath);
      if (local === undefined) continue;
      const remote = await readManifest(this.remote, manifestPath);
      if (remote?.load_id === local.load_id) continue;
      for (const file of local.files) {
        // Part names carry the build's load id: one already there is this very file, whole.
        if (await this.remote.exists(file)) continue;
        await this.copy(this.local, this.remote, file, report, 'push', onProgress);
      }
      await this.copy(this.local, this.remote, manifestPath, report, 'publish', onProgress);
      await removeUnpublishedParts(this.remote, manifestPath, local.files);
    }
    return report;
  }

  /** Brings the cache up to the remote manifests: what a reader needs to attach every table. */
  async pullPublished(onProgress?: MirrorProgress): Promise<MirrorReport> {
    const report: MirrorReport = { files: 0, bytes: 0 };
    const remoteManifests = new Set(await publishedManifests(this.remote));
    for (const manifestPath of remoteManifests) {
      const remote = await readManifest(this.remote, manifestPath);
      if (remote === undefined) continue;
      const local = await readManifest(this.local, manifestPath);
      if (local?.load_id === remote.load_id) continue;
      for (const file of remote.files) {
        if (await this.local.exists(file)) continue;
        await this.copy(this.remote, this.local, file, report, 'pull', onProgress);
      }
      // Written as read: the cached manifest names exactly the files just fetched.
      await this.local.put(manifestPath, `${JSON.stringify(remote, null, 2)}\n`);
      report.files++;
      await removeUnpublishedParts(this.local, manifestPath, remote.files);
    }
    // A table no longer published remotely is not shown from the cache either.
    for (const manifestPath of await publishedManifests(this.local))
      if (!remoteManifests.has(manifestPath)) await this.local.delete(manifestPath);
    return report;
  }

  private async localPaths(prefix: string): Promise<Set<string>> {
    const paths = new Set<string>();
    for await (const entry of this.local.list(prefix)) paths.add(entry.path);
    return paths;
  }

  private async mirrorFolder(
    prefix: string,
    report: MirrorReport,
    onProgress?: MirrorProgress,
  ): Promise<void> {
    const remote = new Set<string>();
    for await (const entry of this.remote.list(prefix)) {
      remote.add(entry.path);
      await this.copy(this.remote, this.local, entry.path, report, 'pull', onProgress);
    }
    for (const path of await this.localPaths(prefix))
      if (!remote.has(path)) await this.local.delete(path);
  }

  private async copy(
    from: Lake,
    to: Lake,
    path: string,
    report: MirrorReport,
    action: 'pull' | 'push' | 'publish',
    onProgress?: MirrorProgress,
  ): Promise<void> {
    let bytes = 0;
    const source = await from.getStream(path);
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    await to.put(path, counted());
    report.files++;
    report.bytes += bytes;
    onProgress?.({ action, path, bytes });
  }
}
