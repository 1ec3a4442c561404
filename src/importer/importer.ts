import { WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { type LedgerFile, LoadLedger } from '../lake/ledger.js';
import { newLoadId } from '../lake/load-id.js';
import { checkLakePath } from '../lake/paths.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { ByteChannel } from './channel.js';
import { type ExportInput, openInput } from './inputs.js';
import { type ExportFile, type Inspection, type RefusedRecord, skipByName } from './inspect.js';
import { InspectPool } from './inspect-pool.js';
import { landGoodRecords, quarantineLines } from './quarantine.js';
import type { ZipLimits } from './zip.js';

/**
 * `held_back`: the file passed its checks but was not landed, because another file of the same
 * command failed (without `--skip-bad`, an import lands all of itself or nothing).
 */
export type FileStatus =
  | 'landed'
  | 'would_land'
  | 'held_back'
  | 'already_imported'
  | 'skipped'
  | 'failed';

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
  /** With `--skip-bad`: records left out (listed in `quarantine`); the file landed without them. */
  refused?: number;
  /** The sha-256 of the file as given, when what landed is its good records only. */
  source_sha256?: string;
  /** Where the refused records (or the refused file's reason) are kept in the lake. */
  quarantine?: string;
  /** A Last.fm or ListenBrainz file: where its listens, read into one shape, were written. */
  normalized?: { path: string; bytes: number; listens: number };
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
  skip_bad: boolean;
  inputs: InputReport[];
  totals: {
    landed: number;
    would_land: number;
    held_back: number;
    already_imported: number;
    skipped: number;
    failed: number;
    /** Records left out by `--skip-bad`. */
    refused: number;
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
  /** Land the good records and files, and quarantine the bad ones, instead of landing nothing. */
  skipBad?: boolean;
  zipLimits?: ZipLimits;
  onProgress?: (event: ImportProgress) => void;
  /** Whose export this is (src/listeners; default `me`): named in the ledger entry. */
  listener?: string;
}

/**
 * Marks content already landed, by sha-256: importing the same file again lands nothing. Per
 * listener (two people may import the same file, each as theirs); `me`'s markers are where a
 * lake made before listeners keeps them.
 */
const markerPath = (sha256: string, listener: string) =>
  layout.state(
    listener === DEFAULT_LISTENER
      ? `export/imported/${sha256}.json`
      : `export/imported/${listener}/${sha256}.json`,
  );

/**
 * `wrapped import`: each PATH is one import with its own id. Each file is read once and checked
 * in full while it is written to the lake. Without `skipBad`, the command lands all or nothing:
 * one bad record (or damaged file) anywhere, and every file it wrote is removed again before
 * any ledger entry exists, so the lake is as it was. With `skipBad`, the good records and files
 * land and the refused ones are kept, with the reasons, under `_quarantine/<import_id>/`.
 * Order of writes: raw files (and quarantine), then the ledger entries, then the content
 * markers, so a crash can at worst leave unledgered files (never read; `wrapped doctor --fix`
 * removes them) or make a later import land a file again (silver deduplicates plays by their
 * natural key), never lose one.
 */
export async function importExport(options: ImportOptions): Promise<ImportReport> {
  const staged: StagedInput[] = [];
  let failedSoFar = false;
  const pool = new InspectPool();
  try {
    for (const input of options.inputs) {
      // Once something failed without --skip-bad nothing will land: the rest is only checked.
      const one = await importOne(input, options, failedSoFar && !options.skipBad, pool);
      staged.push(one);
      failedSoFar ||= one.report.status === 'failed' || one.report.files.some(isFailed);
    }
  } finally {
    await pool.close();
  }
  const allOrNothing = !options.skipBad && !options.dryRun && failedSoFar;
  for (const one of staged) {
    if (allOrNothing) await holdBack(options.lake, one);
    else await one.commit();
  }
  const inputs = staged.map((s) => s.report);
  const files = inputs.flatMap((i) => i.files);
  const count = (status: FileStatus) => files.filter((f) => f.status === status).length;
  const totals = {
    landed: count('landed'),
    would_land: count('would_land'),
    held_back: count('held_back'),
    already_imported: count('already_imported'),
    skipped: count('skipped'),
    failed: count('failed'),
    refused: files.reduce((n, f) => n + (f.refused ?? 0), 0),
    inputs_failed: inputs.filter((i) => i.error !== undefined).length,
    records: files
      .filter((f) => f.status === 'landed' || f.status === 'would_land')
      .reduce((n, f) => n + (f.records ?? 0), 0),
  };
  return {
    dry_run: Boolean(options.dryRun),
    skip_bad: Boolean(options.skipBad),
    inputs,
    totals,
    // With --skip-bad, refused records and files are the outcome asked for (they are in the
    // quarantine); an input that could not be opened at all is still a failure.
    ok: options.skipBad
      ? totals.inputs_failed === 0
      : inputs.every((i) => i.status !== 'failed') && totals.failed === 0,
  };
}

const isFailed = (f: FileReport) => f.status === 'failed';

/** One input checked and its files written, waiting for the ledger entry that makes it a load. */
interface StagedInput {
  report: InputReport;
  /** Everything written to the lake for it so far (raw files and quarantine). */
  written: string[];
  commit(): Promise<void>;
}

/** Without --skip-bad, a failure elsewhere means this input lands nothing: remove what it wrote. */
async function holdBack(lake: Lake, one: StagedInput): Promise<void> {
  for (const path of one.written) await lake.delete(path);
  one.report.import_id = null;
  for (const file of one.report.files) {
    if (file.status !== 'landed') continue;
    file.status = 'held_back';
    file.reason =
      'passed its checks, but nothing was landed because another file failed (import again with --skip-bad to land the good ones)';
    file.lake_path = undefined;
    file.quarantine = undefined;
  }
}

async function importOne(
  inputPath: string,
  options: ImportOptions,
  checkOnly: boolean,
  pool: InspectPool,
): Promise<StagedInput> {
  const { lake, onProgress } = options;
  const listener = options.listener ?? DEFAULT_LISTENER;
  let input: ExportInput;
  try {
    input = await openInput(inputPath, options.zipLimits);
  } catch (error) {
    if (!(error instanceof WrappedError)) throw error;
    const report: InputReport = {
      input: inputPath,
      kind: null,
      import_id: null,
      status: 'failed',
      error: error.message,
      files: [],
    };
    return { report, written: [], commit: async () => undefined };
  }
  const importId = newLoadId();
  const startedAt = new Date().toISOString();
  const files: FileReport[] = input.skipped.map((s) => ({
    path: s.path,
    status: 'skipped' as const,
    reason: s.reason,
  }));
  const written: string[] = [];
  const landed: LedgerFile[] = [];
  // Per landed file given by the user: the content marker that says it is in the lake (the
  // sha of the file as given, even when only its good records landed).
  const markers: Array<{ sha256: string; path: string }> = [];
  try {
    onProgress?.({
      type: 'input',
      input: inputPath,
      files: input.files.length,
      bytes: input.files.reduce((n, f) => n + f.size, 0),
    });

    // Each file is read once: its chunks are checked and, at the same time, written to the
    // lake, where the file is published only if every record passed, and only if the same
    // content was not imported before.
    const seenThisImport = new Map<string, string>();
    // Files are checked side by side (one on a worker of the pool, one here), and their reports
    // taken in the order of the input: a file's landing decisions wait for the file before it.
    // A file under way when the one before it fails still lands; without --skip-bad the
    // import then removes it with the rest (holdBack), as if it had only been checked.
    const underWay: Array<{ file: ExportFile; dryRun: boolean; report: Promise<FileReport> }> = [];
    let turn: Promise<unknown> = Promise.resolve();
    const takeReport = async ({ file, dryRun, report: pending }: (typeof underWay)[number]) => {
      const report = await pending;
      if (dryRun && report.status === 'would_land' && !options.dryRun) {
        report.status = 'held_back';
        report.reason =
          'passed its checks, but nothing was landed because another file failed (import again with --skip-bad to land the good ones)';
      }
      files.push(report);
      if (report.lake_path) written.push(report.lake_path);
      if (report.quarantine) written.push(report.quarantine);
      if (report.normalized) written.push(report.normalized.path);
      if (report.status === 'landed') {
        markers.push({
          sha256: report.source_sha256 ?? (report.sha256 as string),
          path: report.lake_path as string,
        });
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
          ...(report.refused
            ? { refused: report.refused, source_sha256: report.source_sha256 }
            : {}),
        });
        if (report.normalized)
          landed.push({
            path: report.normalized.path,
            bytes: report.normalized.bytes,
            records: report.normalized.listens,
            kind: 'listens',
            source_path: file.path,
          });
      }
      onProgress?.({ type: 'done', report });
    };
    try {
      for (const file of input.files) {
        if (underWay.length >= pool.parallel)
          await takeReport(underWay.shift() as (typeof underWay)[number]);
        const dryRun =
          Boolean(options.dryRun) || checkOnly || (files.some(isFailed) && !options.skipBad);
        onProgress?.({
          type: 'file',
          phase: dryRun ? 'check' : 'land',
          path: file.path,
          size: file.size,
        });
        const report = checkAndLand(file, {
          lake,
          importId,
          explicit: input.kind === 'file',
          dryRun,
          skipBad: Boolean(options.skipBad),
          seenThisImport,
          onProgress,
          listener,
          pool,
          turn,
        });
        turn = report.catch(() => undefined);
        underWay.push({ file, dryRun, report });
      }
      while (underWay.length > 0) await takeReport(underWay.shift() as (typeof underWay)[number]);
    } catch (error) {
      // Nothing is left writing when the error is told.
      await Promise.allSettled(underWay.map((u) => u.report));
      throw error;
    }
  } finally {
    input.close();
  }

  const failed = files.filter(isFailed);
  const refused = files.reduce((n, f) => n + (f.refused ?? 0), 0);
  const considered = files.filter((f) => f.status !== 'skipped').length;
  const report: InputReport = {
    input: inputPath,
    kind: input.kind,
    import_id: landed.length > 0 ? importId : null,
    status:
      failed.length === 0 && refused === 0
        ? 'ok'
        : failed.length === considered
          ? 'failed'
          : 'partial',
    files,
  };
  const quarantined = files.flatMap((f) => (f.quarantine ? [f.quarantine] : []));
  const given = landed.filter((f) => f.kind !== 'listens');
  const commit = async () => {
    if (landed.length === 0 && quarantined.length === 0) return;
    // The ledger entry, written last among the load's files; then the content markers.
    await new LoadLedger(lake).record({
      load_id: importId,
      kind: 'import',
      source: 'export',
      listener_id: listener,
      status: failed.length > 0 || refused > 0 ? 'partial' : 'ok',
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      files: landed,
      counts: {
        // The files the user gave: a listens file's normalized copy is not one more.
        files_landed: given.length,
        records: given.reduce((n, f) => n + (f.records ?? 0), 0),
        files_failed: failed.length,
        records_refused: refused,
      },
      details: {
        input: inputPath,
        input_kind: input.kind,
        quarantine: quarantined,
        not_landed: files
          .filter((f) => f.status !== 'landed')
          .map((f) => ({ path: f.path, status: f.status, why: f.reason ?? f.error })),
      },
    });
    report.import_id = importId;
    for (const marker of markers) {
      await lake
        .put(
          markerPath(marker.sha256, listener),
          JSON.stringify({ import_id: importId, path: marker.path }),
          { createOnly: true },
        )
        .catch(() => undefined); // already marked by a concurrent import: fine
    }
  };
  return { report, written, commit };
}

function reportOf(file: ExportFile, inspection: Inspection): FileReport {
  switch (inspection.status) {
    case 'skipped':
      return { path: file.path, status: 'skipped', reason: inspection.reason };
    case 'failed':
      return { path: file.path, status: 'failed', error: inspection.error };
    case 'ok': {
      const { status: _ok, refused: _refused, ...measured } = inspection;
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

async function importedBefore(
  lake: Lake,
  sha256: string,
  listener: string,
): Promise<string | undefined> {
  const path = markerPath(sha256, listener);
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
  skipBad: boolean;
  seenThisImport: Map<string, string>;
  onProgress: ImportOptions['onProgress'];
  listener: string;
  pool: InspectPool;
  /** Settles when the file before this one has its report: decisions are taken in order. */
  turn: Promise<unknown>;
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
    inspection = await ctx.pool.inspect(file, {
      ...progress,
      explicit: ctx.explicit,
      skipBad: ctx.skipBad,
      sink: channel ? (chunk) => channel.push(chunk) : undefined,
    });
  } catch (error) {
    channel?.fail(new NotPublished('the check failed'));
    await writing;
    throw error;
  }
  await ctx.turn;
  const report = reportOf(file, inspection);
  if (inspection.status === 'ok') {
    const earlier =
      ctx.seenThisImport.get(inspection.sha256) ??
      (await importedBefore(ctx.lake, inspection.sha256, ctx.listener));
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
  // A Spotify file with refused records is not published as given: its good records land
  // instead. A Last.fm or ListenBrainz file lands as given, since bronze reads only its
  // normalized listens, and those hold the good records alone.
  const refused = inspection.status === 'ok' ? inspection.refused : [];
  const listens = inspection.status === 'ok' ? inspection.listens : undefined;
  const asGiven = refused.length === 0 || (listens !== undefined && (report.records ?? 0) > 0);
  if (channel) {
    if (report.status === 'landed' && asGiven) channel.end();
    else channel.fail(new NotPublished(refused.length > 0 ? 'records refused' : report.status));
  }
  if (refused.length > 0 && report.status !== 'already_imported' && !(listens && asGiven)) {
    await writing;
    report.refused = refused.length;
    if (report.records === 0) {
      // Nothing good to land: the file fails, and its records are all in the quarantine.
      const first = refused[0] as RefusedRecord;
      Object.assign(report, {
        status: 'failed',
        lake_path: undefined,
        error: `every record was refused (the first: record ${first.record} at byte ${first.byte}: ${first.reason})`,
      });
    }
    if (ctx.dryRun) return report;
    if (report.status === 'failed') {
      report.quarantine = await quarantineLines(ctx.lake, ctx.importId, file.path, refused);
      return report;
    }
    try {
      report.source_sha256 = report.sha256;
      const good = await landGoodRecords(
        ctx.lake,
        file,
        lakePath,
        new Set(refused.map((r) => r.record)),
      );
      report.sha256 = good.sha256;
      report.bytes = good.bytes;
      report.quarantine = await quarantineLines(ctx.lake, ctx.importId, file.path, refused);
      return report;
    } catch (error) {
      return {
        path: file.path,
        status: 'failed',
        error: `could not be written to the lake: ${(error as Error).message}`,
      };
    }
  }
  if (report.status === 'failed' && ctx.skipBad && !ctx.dryRun) {
    await writing;
    report.quarantine = await quarantineLines(ctx.lake, ctx.importId, file.path, [
      { record: -1, byte: 0, reason: report.error ?? 'failed', text: '' },
    ]);
    return report;
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
  if (listens && refused.length > 0) {
    report.refused = refused.length;
    if (!ctx.dryRun && report.status === 'landed')
      report.quarantine = await quarantineLines(ctx.lake, ctx.importId, file.path, refused);
  }
  if (listens && report.status === 'landed') {
    const normalized = layout.rawNormalized(ctx.importId, file.path);
    const text = listens.ndjson();
    try {
      await ctx.lake.put(normalized, text, { createOnly: true });
    } catch (error) {
      return {
        ...report,
        status: 'failed',
        error: `could not be written to the lake: ${(error as Error).message}`,
      };
    }
    report.normalized = {
      path: normalized,
      bytes: Buffer.byteLength(text),
      listens: listens.listens.length,
    };
  }
  // When the file was not to be published, the write ends with NotPublished (or an error caused
  // by the failed check): the report already says why.
  return report;
}
