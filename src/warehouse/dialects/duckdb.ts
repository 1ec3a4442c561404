import { decodeUnicodeEscapesSql } from '../sql-text.js';
import { commonMacros, type Dialect } from './dialect.js';

const string = (value: string): string => {
  if (value.includes('\0')) throw new Error('NUL character in a SQL string');
  return `'${value.replaceAll("'", "''")}'`;
};

/** A JSON array at a path, as DuckDB's list of JSON values. */
const jsonList = (document: string, path: string) =>
  `CAST(json_extract(${document}, ${path}) AS JSON[])`;

/**
 * DuckDB: the dialect the models were first written in. Its session time zone is always
 * WRAPPED_TIMEZONE (engine.ts), so casts of instants to dates are local days.
 */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  string,
  identifier: (name) => `"${name.replaceAll('"', '""')}"`,
  // A table's alias, used as a value, is its row as a struct.
  row: (alias) => alias,
  finish: (sql) => sql,
  macros: {
    ...commonMacros(string),
    // DuckDB holds a CTE read more than once in memory, spilling it past the build's memory
    // limit (runner.ts): reading 500,000 wide rows back from disk cost more than recomputing them.
    not_materialized: () => 'NOT MATERIALIZED',
    to_instant: ([x]) => `CAST(${x} AS TIMESTAMPTZ)`,
    local_time: ([x], { timezone }) => `timezone(${string(timezone)}, ${x})`,
    utc_date: ([x]) => `CAST(${x} AT TIME ZONE 'UTC' AS DATE)`,
    utc_iso_ms: ([x]) => `strftime(${x} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g')`,
    epoch_ms: ([x]) => `epoch_ms(${x})`,
    from_epoch_ms: ([x]) => `to_timestamp((${x}) / 1000.0)`,
    from_epoch_s: ([x]) => `to_timestamp(${x})`,
    iso_week: ([x]) => `strftime(${x}, '%G-W%V')`,
    year_month: ([x]) => `strftime(${x}, '%Y-%m')`,
    iso_weekday: ([x]) => `isodow(${x})`,
    // Hundredths of a minute are 600 ms: that quotient is exact when it ends in .5, so a half
    // rounds up in both dialects (round(x / 60000.0, 2) rounds 9.745 down, from binary 9.74499...).
    minutes: ([x]) => `round(CAST(${x} AS DOUBLE) / 600) / 100`,
    latest: ([value, at]) =>
      `first(${value} ORDER BY ${at} DESC NULLS LAST, ${value}) FILTER (WHERE ${value} IS NOT NULL)`,
    top_by: ([value, weight]) =>
      `first(${value} ORDER BY ${weight} DESC, ${value}) FILTER (WHERE ${value} IS NOT NULL)`,
    distinct_list: ([value, separator]) =>
      `string_agg(DISTINCT ${value}, ${separator} ORDER BY ${value})`,
    json: ([document, path]) =>
      `CASE WHEN json_type(${document}, ${path}) <> 'NULL' THEN json_extract(${document}, ${path}) END`,
    json_text: ([document, path]) => `json_extract_string(${document}, ${path})`,
    is_json_object: ([document, path]) => `(json_type(${document}, ${path}) = 'OBJECT')`,
    is_json_array: ([document, path]) => `(json_type(${document}, ${path}) = 'ARRAY')`,
    json_each: ([document = '', path = '', item, n]) =>
      `unnest(${jsonList(document, path)}) AS ${item}, generate_subscripts(${jsonList(document, path)}, 1) AS ${n}`,
    json_each_or_null: ([document = '', path = '', item, n]) => {
      const list = `CASE WHEN json_type(${document}, ${path}) = 'ARRAY' THEN ${jsonList(document, path)} ELSE [NULL::JSON] END`;
      return `unnest(${list}) AS ${item}, generate_subscripts(${list}, 1) AS ${n}`;
    },
    day_list: ([from, to]) => `generate_series(${from}, ${to}, INTERVAL 1 DAY)`,
    explode: ([list]) => `unnest(${list})`,
    match_name: ([x]) => `trim(regexp_replace(lower(${x}), '[^\\p{L}\\p{N}]+', ' ', 'g'))`,
    decode_escapes: ([x = '']) => decodeUnicodeEscapesSql(x),
  },
};
