import { commonMacros, type Dialect } from './dialect.js';
import { rewriteOutsideLiterals } from './sql-scan.js';

/**
 * Spark SQL (Apache Spark 4 and Databricks SQL).
 *
 * What the engine guarantees (spark/engine.ts): the session time zone is WRAPPED_TIMEZONE, so a
 * TIMESTAMP cast to TIMESTAMP_NTZ or DATE is local, as in DuckDB; ANSI mode is on (Spark 4's
 * default), so a bad cast fails as it does in DuckDB.
 *
 * What `finish` rewrites in every statement, so that models are written once:
 * - string literals: DuckDB reads a backslash as itself, Spark as an escape, so backslashes are
 *   doubled ('\d' means the same to both);
 * - "double-quoted" identifiers become `back-quoted` ones;
 * - a model's table `silver.fct_play` becomes the session view `silver__fct_play`, which reads
 *   exactly the Parquet files its manifest names (the external tables in schemas bronze, silver
 *   and gold read whole folders, and are registered for other readers once a build is done).
 */
const string = (value: string): string => {
  if (value.includes('\0')) throw new Error('NUL character in a SQL string');
  // Written as DuckDB reads it; finish() escapes the backslashes for Spark.
  return `'${value.replaceAll("'", "''")}'`;
};

/** A JSON array at a path as a list of (element as JSON text, position from 1) pairs. */
const pairs = (document: string, path: string, item: string, n: string) =>
  `transform(try_variant_get(try_parse_json(${document}), ${path}, 'array<variant>'), (v, i) -> named_struct('${item}', to_json(v), '${n}', i + 1))`;

const jsonKind = (document: string, path: string) =>
  `schema_of_variant(try_variant_get(try_parse_json(${document}), ${path}))`;

/** The session view that stands for a model's table in Spark SQL. */
export const sparkTableView = (id: string) => id.replace('.', '__');

export const sparkDialect: Dialect = {
  name: 'spark',
  string,
  identifier: (name) => `\`${name.replaceAll('`', '``')}\``,
  row: (alias) => `struct(${alias}.*)`,
  finish: (sql) =>
    rewriteOutsideLiterals(sql, {
      string: (body) => body.replaceAll('\\', '\\\\'),
      quotedIdentifier: (name) => `\`${name.replaceAll('`', '``')}\``,
      code: (text) =>
        text.replace(
          /(?<![\w.`])(bronze|silver|gold)\.([a-z][a-z0-9_]*)\b/g,
          (_all, layer: string, name: string) => sparkTableView(`${layer}.${name}`),
        ),
    }),
  macros: {
    ...commonMacros(string),
    // Spark writes every CTE into each query that reads it: there is nothing to ask for.
    not_materialized: () => '',
    to_instant: ([x]) => `CAST(${x} AS TIMESTAMP)`,
    // The session time zone is WRAPPED_TIMEZONE: the wall clock there, without a zone.
    local_time: ([x]) => `CAST(${x} AS TIMESTAMP_NTZ)`,
    utc_date: ([x], { timezone }) =>
      `CAST(convert_timezone(${string(timezone)}, 'UTC', CAST(${x} AS TIMESTAMP_NTZ)) AS DATE)`,
    utc_iso_ms: ([x], { timezone }) =>
      `date_format(convert_timezone(${string(timezone)}, 'UTC', CAST(${x} AS TIMESTAMP_NTZ)), 'yyyy-MM-dd''T''HH:mm:ss.SSS')`,
    epoch_ms: ([x]) => `unix_millis(${x})`,
    from_epoch_ms: ([x]) => `timestamp_millis(${x})`,
    from_epoch_s: ([x]) => `timestamp_seconds(${x})`,
    // The ISO year is the year of the week's Thursday.
    iso_week: ([x]) =>
      `concat(CAST(year(date_add(CAST(date_trunc('WEEK', ${x}) AS DATE), 3)) AS STRING), '-W', lpad(CAST(weekofyear(${x}) AS STRING), 2, '0'))`,
    year_month: ([x]) => `date_format(${x}, 'yyyy-MM')`,
    iso_weekday: ([x]) => `extract(DAYOFWEEK_ISO FROM ${x})`,
    // As DuckDB's (duckdb.ts): whole hundredths of a minute, a half rounded up.
    minutes: ([x]) => `round(CAST(${x} AS DOUBLE) / 600) / 100`,
    // min_by over a key that sorts as DuckDB's ORDER BY does: known times first, newest first.
    latest: ([value, at]) =>
      `min_by(${value}, named_struct('unknown', ${at} IS NULL, 'newest', -unix_micros(${at}), 'value', ${value})) FILTER (WHERE ${value} IS NOT NULL)`,
    top_by: ([value, weight]) =>
      `min_by(${value}, named_struct('weight', -(${weight}), 'value', ${value})) FILTER (WHERE ${value} IS NOT NULL)`,
    distinct_list: ([value, separator]) =>
      `listagg(DISTINCT ${value}, ${separator}) WITHIN GROUP (ORDER BY ${value})`,
    // Spark keeps JSON as text: get_json_object gives an object or array as its JSON text and a
    // string unquoted; a JSON null is NULL.
    json: ([document, path]) => `get_json_object(${document}, ${path})`,
    json_text: ([document, path]) => `get_json_object(${document}, ${path})`,
    is_json_object: ([document = '', path = '']) => `(${jsonKind(document, path)} LIKE 'OBJECT%')`,
    is_json_array: ([document = '', path = '']) => `(${jsonKind(document, path)} LIKE 'ARRAY%')`,
    json_each: ([document = '', path = '', item = 'item', n = 'n']) =>
      `inline(${pairs(document, path, item, n)})`,
    json_each_or_null: ([document = '', path = '', item = 'item', n = 'n']) =>
      `inline(CASE WHEN ${jsonKind(document, path)} LIKE 'ARRAY%' THEN ${pairs(document, path, item, n)} ELSE array(named_struct('${item}', CAST(NULL AS STRING), '${n}', 1)) END)`,
    day_list: ([from, to]) => `sequence(${from}, ${to}, INTERVAL 1 DAY)`,
    explode: ([list]) => `explode(${list})`,
    match_name: ([x]) => `trim(regexp_replace(lower(${x}), '[^\\p{L}\\p{N}]+', ' '))`,
    decode_escapes: ([x = '']) => decodeUnicodeEscapesSpark(x),
  },
};

/**
 * Literal `\uXXXX` escapes decoded, as DuckDB's version does it (sql-text.ts): the name becomes
 * a JSON string and a JSON parser decodes it; a name that cannot be decoded is kept. Written
 * with DuckDB's literal backslashes (finish() escapes them) and Java's `$1` back-references.
 */
function decodeUnicodeEscapesSpark(expression: string): string {
  const e = `(${expression})`;
  const parked = `regexp_replace(replace(${e}, chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1'))`;
  const escaped = `replace(replace(replace(${parked}, '\\', '\\\\'), '"', '\\"'), chr(1), '\\')`;
  const literal = `concat('{"v":"', regexp_replace(${escaped}, '[\\x00-\\x1f]', ''), '"}')`;
  return `CASE WHEN ${e} RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(${literal}, '$.v'), ${e}) ELSE ${e} END`;
}
