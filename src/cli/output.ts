import { escapeControlCharacters } from '../text.js';

export { renderCsv } from '../text.js';

type Json = unknown;

/**
 * Terminal output. Results go to stdout (JSON with --json, otherwise text); logs and progress go
 * to stderr, so `wrapped query ... --json | jq` always gets clean JSON.
 */
export interface Output {
  json: boolean;
  /** A result line on stdout. */
  print(text: string): void;
  printJson(value: unknown): void;
  /** A log line on stderr. */
  log(text: string): void;
  color: Colors;
}

export interface Colors {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

function makeColors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

export function createOutput(options: { json: boolean }): Output {
  const colorful =
    Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return {
    json: options.json,
    print: (text) => process.stdout.write(`${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
    log: (text) => process.stderr.write(`${text}\n`),
    color: makeColors(colorful),
  };
}

function cellText(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A plain aligned table; numbers right-aligned. Control characters are escaped, never printed raw. */
export function renderTable(
  columns: string[],
  rows: Array<Record<string, Json>>,
  maxWidth = 60,
): string {
  const clean = (s: string) => {
    const escaped = escapeControlCharacters(s);
    return escaped.length > maxWidth ? `${escaped.slice(0, maxWidth - 1)}…` : escaped;
  };
  const cells = rows.map((row) => columns.map((c) => clean(cellText(row[c]))));
  const numeric = columns.map(
    (c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'),
  );
  const widths = columns.map((c, i) =>
    Math.max(clean(c).length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [
    line(columns.map(clean)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n');
}
