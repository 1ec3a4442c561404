/**
 * Walks SQL text telling string literals, quoted identifiers and comments from code, so a
 * dialect can rewrite each kind on its own (spark.ts escapes backslashes in literals only, and
 * renames tables in code only, never inside a string or a comment).
 */
export interface SqlRewrites {
  /** The body of a '...' literal, as written (a quote inside is doubled). */
  string?: (body: string) => string;
  /** The name inside "...", with doubled quotes undone; returns the whole replacement. */
  quotedIdentifier?: (name: string) => string;
  /** A run of code outside literals, identifiers and comments. */
  code?: (text: string) => string;
}

export function rewriteOutsideLiterals(sql: string, rewrites: SqlRewrites): string {
  let out = '';
  let code = '';
  const flushCode = () => {
    out += rewrites.code ? rewrites.code(code) : code;
    code = '';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'") {
      const end = closing(sql, i, "'");
      flushCode();
      const body = sql.slice(i + 1, end);
      out += `'${rewrites.string ? rewrites.string(body) : body}'`;
      i = end + 1;
    } else if (c === '"') {
      const end = closing(sql, i, '"');
      flushCode();
      const name = sql.slice(i + 1, end).replaceAll('""', '"');
      out += rewrites.quotedIdentifier ? rewrites.quotedIdentifier(name) : sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '`') {
      const end = closing(sql, i, '`');
      flushCode();
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      flushCode();
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      flushCode();
      out += sql.slice(i, stop);
      i = stop;
    } else {
      code += c;
      i++;
    }
  }
  flushCode();
  return out;
}

/** The index of the quote that closes the one at `start` (a doubled quote is part of the text). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const at = sql.indexOf(quote, i);
    if (at === -1) throw new Error(`Unterminated ${quote} in SQL: ${sql.slice(start, start + 40)}`);
    if (sql[at + 1] === quote) {
      i = at + 2;
      continue;
    }
    return at;
  }
}
