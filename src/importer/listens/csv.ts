/**
 * CSV as RFC 4180 writes it: fields separated by commas, quoted with `"` when they hold a comma,
 * a quote (doubled) or a line break; lines end with LF or CRLF. Each row keeps the line it
 * started on, so an error can name it. A quote left open at the end is a truncated file.
 */
export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    fields.push(field);
    // A blank line is no row (files often end with one, or several).
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    afterQuote = false;
  };
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (c === '"' && field === '' && !afterQuote) {
      quoted = true;
    } else if (afterQuote) {
      throw new CsvError(`has text after a closing quote (${JSON.stringify(c)})`, line);
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvError('ends inside a quoted field: the file is cut short', rowLine);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
