/**
 * SQL for decoding literal `\uXXXX` escapes in names (a playlist typed or exported as
 * `kh\u00e1nh ng\u1ee7y\u00ean` reads "khánh ngủyên"; surrogate pairs make one emoji). Only
 * names that contain such an escape are touched; any other backslash stays as it was, and a
 * name that cannot be decoded is kept unchanged rather than lost.
 *
 * How: the name becomes a JSON string literal and DuckDB's JSON parser decodes it. Escapes are
 * first parked on a control character, every other backslash and quote is escaped, then the
 * escapes come back.
 */
export function decodeUnicodeEscapesSql(expression: string): string {
  const e = `(${expression})`;
  const parked = `regexp_replace(replace(${e}, chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', chr(1) || 'u\\1', 'g')`;
  const escaped = `replace(replace(replace(${parked}, '\\', '\\\\'), '"', '\\"'), chr(1), '\\')`;
  const literal = `'"' || regexp_replace(${escaped}, '[\\x00-\\x1f]', '', 'g') || '"'`;
  return `CASE WHEN regexp_matches(${e}, '\\\\u[0-9A-Fa-f]{4}') THEN coalesce(TRY(json_extract_string(CAST(${literal} AS JSON), '$')), ${e}) ELSE ${e} END`;
}
