import type { Colors } from '../cli/output.js';
import { escapeControlCharacters } from '../text.js';
import type { FileReport, ImportReport } from './importer.js';

const n = (value: number) => value.toLocaleString('en-US');
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '?');

function describe(file: FileReport): string {
  const parts = [file.kind ?? ''];
  if (file.field_set) parts.push(file.field_set);
  if (file.media) parts.push(file.media);
  const unit =
    file.kind === 'lastfm_scrobbles' || file.kind === 'listenbrainz_listens'
      ? 'listens'
      : 'records';
  if (file.records !== undefined) parts.push(`${n(file.records)} ${unit}`);
  if (file.first_at) parts.push(`${day(file.first_at)} -> ${day(file.last_at)}`);
  return parts.filter(Boolean).join(', ');
}

/** The text summary of `wrapped import`: per input, per file, then totals. */
export function renderImportReport(report: ImportReport, color: Colors): string {
  const lines: string[] = [];
  const label: Record<FileReport['status'], string> = {
    landed: color.green('landed  '),
    would_land: color.green('would land'),
    held_back: color.dim('not landed'),
    already_imported: color.dim('already '),
    skipped: color.dim('skipped '),
    failed: color.red('FAILED  '),
  };
  for (const input of report.inputs) {
    const where = input.import_id ? ` -> import ${input.import_id}` : '';
    lines.push(
      color.bold(
        `${escapeControlCharacters(input.input)}${input.kind ? ` (${input.kind})` : ''}${where}`,
      ),
    );
    if (input.error)
      lines.push(`  ${color.red('FAILED')}  ${escapeControlCharacters(input.error)}`);
    for (const file of input.files) {
      const detail =
        file.status === 'failed'
          ? file.error
          : file.status === 'skipped' ||
              file.status === 'already_imported' ||
              file.status === 'held_back'
            ? file.reason
            : describe(file) +
              (file.refused
                ? `; ${n(file.refused)} bad records left out (${file.quarantine ?? 'listed in the quarantine'})`
                : '');
      lines.push(
        `  ${label[file.status]}  ${escapeControlCharacters(file.path)}: ${escapeControlCharacters(detail ?? '')}`,
      );
    }
  }
  const t = report.totals;
  const landedText = report.dry_run
    ? `${t.would_land} files would land`
    : `${t.landed} files landed`;
  lines.push(
    `${report.dry_run ? 'Dry run: ' : ''}${landedText} (${n(t.records)} records), ${t.already_imported} already imported, ${t.skipped} skipped, ${t.failed} failed` +
      (t.inputs_failed > 0
        ? `; ${t.inputs_failed} input${t.inputs_failed === 1 ? '' : 's'} could not be read.`
        : '.'),
  );
  if (report.skip_bad && (t.refused > 0 || t.failed > 0))
    lines.push(
      color.red(
        report.dry_run
          ? `${n(t.refused)} bad records and ${t.failed} bad files would be left out and kept in the lake's _quarantine/ with the reasons.`
          : `${n(t.refused)} bad records and ${t.failed} bad files were left out and kept in the lake's _quarantine/ with the reasons; the rest landed.`,
      ),
    );
  if (!report.ok && !report.skip_bad)
    lines.push(
      color.red(
        report.dry_run
          ? 'Some files failed: an import of them would land nothing. Fix or re-download them, or use --skip-bad to land the good records and quarantine the bad ones.'
          : 'Some files failed, so nothing was landed and the lake is as it was. Fix or re-download them, or import again with --skip-bad to land the good records and quarantine the bad ones.',
      ),
    );
  else if (!report.dry_run && t.landed > 0) lines.push('Next: wrapped transform');
  return lines.join('\n');
}
