import { WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { type LedgerFile, LoadLedger } from '../lake/ledger.js';
import { newLoadId } from '../lake/load-id.js';
import { checkLakePath } from '../lake/paths.js';
import { ByteChannel } from './channel.js';
import { type ExportInput, openInput } from './inputs.js';
import { type ExportFile, type Inspection, inspectFile, skipByName } from './inspect.js';
import type { ZipLimits } from './zip.js';

export type FileStatus = 'landed' | 'would_land' | 'already_imported' | 'skipped' | 'failed';

export interface FileReport {
  path: string;
  status: FileStatus;
  kind?: string;
  field_set?: string | null;
  media?: string | null;
  records?: number;
  first_at?: string | null;
  last_at?: string | null;
  content_types?: Record<string, number> | null;
  bytes?: number;
  sha256?: string;
  /** Why a file was skipped or not landed again. */
  reason?: string;
  /** What is wrong with a failed file (the position is in the text). */
  error?: string;
  lake_path?: string;
}

export interface InputReport {
  input: string;
  kind: ExportInput['kind'] | null;
  import_id: string | null;
  status: 'ok' | 'partial' | 'failed';
  error?: string;
  files: FileReport[];
}

export interface ImportReport {
  dry_run: boolean;
  inputs: InputReport[];
  totals: {
    landed: number;
    would_land: number;
    already_imported: number;
    skipped: number;
    failed: number;
    /** Inputs that could not be opened at all (missing path, refused zip). */
    inputs_failed: number;
    records: number;
  };
  ok: boolean;
}

export type ImportProgress =
  | { type: 'input'; input: string; files: number; bytes: number }
  | { type: 'file'; phase: 'check' | 'land'; path: string; size: number }
  | { type: 'bytes'; bytes: number }
  | { type: 'records'; records: number }
  | { type: 'done'; report: FileReport };

export interface ImportOptions {
  lake: Lake;
  inputs: string[];
  dryRun?: boolean;
  zipLimits?: ZipLimits;
  onProgress?: (event: ImportProgress) => void;
}

/** Marks content already landed, by sha-256: importing the same file again lands nothing. */
const markerPath = (sha256: string) => layout.state(`export/imported/${sha256}.json`);

/**
 * `wrapped import`: each PATH is one import with its own id. Each file is read once and checked
 * in full before it is published in the lake: a file that fails is reported with the position
 * of the problem and leaves nothing behind, while the good files of the same import land.
 * A refused zip lands nothing at all.
 * Order of writes: raw files, then the ledger entry, then the content markers, so a crash
 * can at worst make a later import land a file again (silver deduplicates plays by their
 * natural key), never lose one.
 */
export async function importExport(options: ImportOptions): Promise<ImportReport> {
  const inputs: InputReport[] = [];
  for (const input of options.inputs) inputs.push(await importOne(input, options));
  const files = inputs.flatMap((i) => i.files);
  const count = (status: FileStatus) => files.filter((f) => f.status === status).length;
  const totals = {
    landed: count('landed'),
    would_land: count('would_land'),
    already_imported: count('already_imported'),
    skipped: count('skipped'),
    failed: count('failed'),
    inputs_failed: inputs.filter((i) => i.error !== undefined).length,
    records: files
      .filter((f) => f.status === 'landed' || f.status === 'would_land')
      .reduce((n, f) => n + (f.records ?? 0), 0),
  };
  return {
    dry_run: Boolean(options.dryRun),
    inputs,
    totals,
    ok: inputs.every((i) => i.status !== 'failed') && totals.failed === 0,
  };
}

async function importOne(inputPath: string, options: ImportOptions): Promise<InputReport> {
  const { lake, onProgress } = options;
  let input: ExportInput;
  try {
    input = await openInput(inputPath, options.zipLimits);
  } catch (error) {
    if (!(error instanceof WrappedError)) throw error;
    return {
      input: inputPath,
      kind: null,
      import_id: null,
      status: 'failed',
      error: error.message,
      files: [],
    };
  }
  const importId = newLoadId();
  const startedAt = new Date().toISOString();
  const files: FileReport[] = input.skipped.map((s) => ({
    path: s.path,
    status: 'skipped' as const,
    reason: s.reason,
  }));
  try {
    onProgress?.({
      type: 'input',
      input: inputPath,
      files: input.files.length,
      bytes: input.files.reduce((n, f) => n + f.size, 0),
    });

    // Each file is read once: its chunks are checked and, at the same time, written to a hidden
    // temporary file in the lake, which is published only if every record passed, and only if
    // the same content was not imported before.
    const landed: LedgerFile[] = [];
    const seenThisImport = new Map<string, string>();
    for (const file of input.files) {
      onProgress?.({
        type: 'file',
        phase: options.dryRun ? 'check' : 'land',
        path: file.path,
        size: file.size,
      });
      const report = await checkAndLand(file, {
        lake,
        importId,
        explicit: input.kind === 'file',
        dryRun: Boolean(options.dryRun),
        seenThisImport,
        onProgress,
      });
      files.push(report);
      if (report.status === 'landed') {
        landed.push({
          path: report.lake_path as string,
          bytes: report.bytes ?? 0,
          sha256: report.sha256,
          records: report.records,
          kind: report.kind,
          field_set: report.field_set ?? null,
          first_at: report.first_at ?? null,
          last_at: report.last_at ?? null,
          source_path: file.path,
        });
      }
      onProgress?.({ type: 'done', report });
    }

    const failed = files.filter((f) => f.status === 'failed');
    const status: InputReport['status'] =
      failed.length === 0
        ? 'ok'
        : failed.length === files.filter((f) => f.status !== 'skipped').length
          ? 'failed'
          : 'partial';

    // 3. The ledger entry, written last among the load's files; then the content markers.
    if (landed.length > 0) {
      await new LoadLedger(lake).record({
        load_id: importId,
        kind: 'import',
        source: 'export',
        status: failed.length > 0 ? 'partial' : 'ok',
        started_at: startedAt,
        finished_at: new Date().toISOString(),
        files: landed,
        counts: {
          files_landed: landed.length,
          records: landed.reduce((n, f) => n + (f.records ?? 0), 0),
          files_failed: failed.length,
        },
        details: {
          input: inputPath,
          input_kind: input.kind,
          not_landed: files
            .filter((f) => f.status !== 'landed')
            .map((f) => ({ path: f.path, status: f.status, why: f.reason ?? f.error })),
        },
      });
      for (const file of landed) {
        await lake
          .put(
            markerPath(file.sha256 as string),
            JSON.stringify({ import_id: importId, path: file.path }),
            { createOnly: true },
          )
          .catch(() => undefined); // already marked by a concurrent import: fine
      }
    }
    return {
      input: inputPath,
      kind: input.kind,
      import_id: landed.length > 0 ? importId : null,
      status,
      files,
    };
  } finally {
    input.close();
  }
}

function reportOf(file: ExportFile, inspection: Inspection): FileReport {
  switch (inspection.status) {
    case 'skipped':
      return { path: file.path, status: 'skipped', reason: inspection.reason };
    case 'failed':
      return { path: file.path, status: 'failed', error: inspection.error };
    case 'ok': {
      const { status: _ok, ...measured } = inspection;
      return { path: file.path, status: 'landed', ...measured };
    }
  }
}

function landingPath(importId: string, path: string): string | undefined {
  try {
    return checkLakePath(layout.rawExport(importId, path));
  } catch {
    return undefined;
  }
}

async function importedBefore(lake: Lake, sha256: string): Promise<string | undefined> {
  const path = markerPath(sha256);
  if (!(await lake.exists(path))) return undefined;
  try {
    const marker = JSON.parse((await lake.get(path)).toString()) as {
      import_id?: string;
      path?: string;
    };
    return `import ${marker.import_id ?? '?'}`;
  } catch {
    return 'an earlier import';
  }
}

class NotPublished extends Error {}

interface CheckAndLandContext {
  lake: Lake;
  importId: string;
  explicit: boolean;
  dryRun: boolean;
  seenThisImport: Map<string, string>;
  onProgress: ImportOptions['onProgress'];
}

async function checkAndLand(file: ExportFile, ctx: CheckAndLandContext): Promise<FileReport> {
  const byName = skipByName(file.path, ctx.explicit);
  if (byName) return reportOf(file, byName);
  const lakePath = landingPath(ctx.importId, file.path);
  if (lakePath === undefined) {
    return {
      path: file.path,
      status: 'failed',
      error: 'has a name that cannot be stored in the lake (control characters?)',
    };
  }
  const progress = {
    onBytes: (bytes: number) => ctx.onProgress?.({ type: 'bytes', bytes }),
    onRecords: (records: number) => ctx.onProgress?.({ type: 'records', records }),
  };

  let channel: ByteChannel | undefined;
  let writing: Promise<Error | undefined> = Promise.resolve(undefined);
  if (!ctx.dryRun) {
    const open = new ByteChannel();
    channel = open;
    writing = ctx.lake.put(lakePath, open, { createOnly: true }).then(
      () => undefined,
      (error: Error) => {
        open.abandon(error);
        return error;
      },
    );
  }
  let inspection: Inspection;
  try {
    inspection = await inspectFile(file, {
      ...progress,
      explicit: ctx.explicit,
      sink: channel ? (chunk) => channel.push(chunk) : undefined,
    });
  } catch (error) {
    channel?.fail(new NotPublished('the check failed'));
    await writing;
    throw error;
  }
  const report = reportOf(file, inspection);
  if (inspection.status === 'ok') {
    const earlier =
      ctx.seenThisImport.get(inspection.sha256) ??
      (await importedBefore(ctx.lake, inspection.sha256));
    if (earlier) {
      Object.assign(report, {
        status: 'already_imported',
        reason: `same content already landed by ${earlier}`,
      });
    } else {
      ctx.seenThisImport.set(inspection.sha256, `${file.path}, earlier in this import`);
      Object.assign(report, {
        status: ctx.dryRun ? 'would_land' : 'landed',
        lake_path: ctx.dryRun ? undefined : lakePath,
      });
    }
  }
  if (channel) {
    if (report.status === 'landed') channel.end();
    else channel.fail(new NotPublished(report.status));
  }
  const writeError = await writing;
  if (report.status === 'landed' && writeError) {
    return {
      ...report,
      status: 'failed',
      lake_path: undefined,
      error: `could not be written to the lake: ${writeError.message}`,
    };
  }
  // When the file was not to be published, the write ends with NotPublished (or an error caused
  // by the failed check): the report already says why.
  return report;
}
