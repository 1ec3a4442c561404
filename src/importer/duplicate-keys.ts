/**
 * JSON.parse keeps the last of two equal keys without a word, while DuckDB and Spark refuse the
 * whole file: a record with a duplicate key must be caught at the door. This scanner walks JSON
 * text (already known to be valid) and returns the first key that repeats within one object,
 * with the path of that object.
 */
export function findDuplicateKey(text: string): { key: string; path: string } | undefined {
  // One frame per open object (its keys so far, and the latest) or array (its element index).
  const frames: Array<{ keys: Set<string> | null; key: string; index: number; path: string }> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      // A string directly inside an object followed by ':' is a key.
      let j = end;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (top?.keys && text.charCodeAt(j) === 0x3a /* : */) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.key = key;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = !top ? '$' : top.keys ? `${top.path}.${top.key}` : `${top.path}[${top.index}]`;
      frames.push({ keys: c === 0x7b ? new Set() : null, key: '', index: 0, path });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */ && top && !top.keys) {
      top.index++;
    }
    i++;
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just after the closing quote of the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let k = quote - 1; k > start && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}
