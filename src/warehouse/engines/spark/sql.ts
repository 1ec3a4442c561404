/**
 * Spark SQL literals written by the engine itself (models go through the dialect instead):
 * Spark reads a backslash in a string literal as an escape.
 */
export function sparkString(value: string): string {
  if (value.includes('\0')) throw new Error('NUL character in a SQL string');
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export const sparkIdentifier = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/** DuckDB's name for a column type (what the lake's manifests record) as Spark's. */
export function sparkType(duckdbType: string): string {
  const type = duckdbType.trim().toUpperCase();
  const list = /^(.*)\[\]$/.exec(type);
  if (list) return `ARRAY<${sparkType(list[1] as string)}>`;
  if (/^DECIMAL\(\d+,\s*\d+\)$/.test(type)) return type;
  const simple: Record<string, string> = {
    VARCHAR: 'STRING',
    BIGINT: 'BIGINT',
    INTEGER: 'INT',
    SMALLINT: 'SMALLINT',
    TINYINT: 'TINYINT',
    HUGEINT: 'DECIMAL(38,0)',
    DOUBLE: 'DOUBLE',
    FLOAT: 'FLOAT',
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
    TIMESTAMP: 'TIMESTAMP_NTZ',
    BLOB: 'BINARY',
  };
  const spark = simple[type];
  if (spark === undefined)
    throw new Error(`No Spark type for the lake's column type ${duckdbType}`);
  return spark;
}
