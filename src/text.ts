/**
 * Quotes a user-given value for a message: JSON escapes control characters (so a hostile
 * string cannot drive the terminal), and long values are cut.
 */
export function quoteForDisplay(raw: string): string {
  const cut = raw.length > 120 ? `${raw.slice(0, 117)}...` : raw;
  return JSON.stringify(cut);
}

/** C0 control characters and DEL: what can move a terminal's cursor or hide text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Shows control characters as `\uXXXX` so a hostile value prints as text, not as terminal commands. */
export function escapeControlCharacters(text: string): string {
  return text.replace(
    new RegExp(CONTROL_CHARACTER.source, 'g'),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A text that a spreadsheet would run as a formula: it starts with = + - @, a tab or a carriage
 * return (OWASP, "CSV Injection"). Names come from Spotify and from whoever named a playlist.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell as text: objects as JSON, and a leading ' before anything a spreadsheet would run. */
export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : typeof value === 'string' && FORMULA_START.test(value)
          ? `'${value}`
          : String(value);
  // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The lines of a CSV (without line ends): the header, then one per row. */
export const csvHeader = (columns: string[]) => columns.map(csvCell).join(',');
export const csvRow = (columns: string[], row: Record<string, unknown>) =>
  columns.map((c) => csvCell(row[c])).join(',');

/** A whole CSV in memory, for small results (`wrapped query --csv`). */
export function renderCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  return [csvHeader(columns), ...rows.map((row) => csvRow(columns, row))].join('\r\n');
}
