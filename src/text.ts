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
 * RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled; objects
 * as JSON. A text starting with = + - @ gets a leading ' so a spreadsheet never runs it as a
 * formula (names come from Spotify and from whoever named a playlist).
 */
export function renderCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  const text = (value: unknown) =>
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : typeof value === 'string' && /^[=+\-@]/.test(value)
          ? `'${value}`
          : String(value);
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [
    columns.map(field).join(','),
    ...rows.map((row) => columns.map((c) => field(text(row[c]))).join(',')),
  ];
  return lines.join('\r\n');
}
