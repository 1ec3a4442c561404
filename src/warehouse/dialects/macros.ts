/**
 * The macros a model may use, named once for every dialect: where DuckDB and Spark SQL differ
 * (reading JSON, time zones, dates as text, ordered aggregates), a model says what it means with
 * a macro and each dialect renders it (duckdb.ts, spark.ts). Everything else in a model is SQL
 * both engines read the same way. A test checks that every dialect renders every macro.
 *
 * `{{ name }}` or `{{ name(arg, ...) }}`; arguments are SQL expressions (or string literals where
 * the signature says so) and may hold other macros, rendered first.
 */
import type { DaySpan } from '../changes.js';
export interface MacroSpec {
  /** The call as written in a model. */
  signature: string;
  /** What it means, whatever the engine. */
  meaning: string;
  /** How many arguments it takes. */
  arity: number;
}

export const MACROS = {
  timezone: { signature: 'timezone', meaning: 'WRAPPED_TIMEZONE as a string literal', arity: 0 },
  lake_path: {
    signature: "lake_path('raw/...')",
    meaning: 'a lake path as an absolute path literal (checked: it cannot leave the lake)',
    arity: 1,
  },
  extended_stream_key: {
    signature: 'extended_stream_key',
    meaning: 'the natural key of an extended-history record (src/importer/natural-key.ts)',
    arity: 0,
  },
  account_stream_key: {
    signature: 'account_stream_key',
    meaning: 'the natural key of an account-data record (src/importer/natural-key.ts)',
    arity: 0,
  },
  not_materialized: {
    signature: 'not_materialized',
    meaning:
      'in `name AS {{ not_materialized }} (...)`: a CTE each read computes again, where holding its rows once would cost more (DuckDB holds a CTE read twice; Spark never does)',
    arity: 0,
  },
  partition_window: {
    signature: 'partition_window(column)',
    meaning: 'the rows a partitioned build of some years or days reads (TRUE on a whole build)',
    arity: 1,
  },
  partition_years: {
    signature: 'partition_years(column)',
    meaning: "the rows of a year's-first-day column in the years a partitioned build makes",
    arity: 1,
  },
  to_instant: {
    signature: 'to_instant(expression)',
    meaning: 'text (ISO 8601) or a date as a point in time (a date is local midnight)',
    arity: 1,
  },
  local_time: {
    signature: 'local_time(instant)',
    meaning: 'the wall-clock time of an instant in WRAPPED_TIMEZONE (a timestamp without zone)',
    arity: 1,
  },
  utc_date: {
    signature: 'utc_date(instant)',
    meaning: 'the UTC calendar day of an instant',
    arity: 1,
  },
  utc_iso_ms: {
    signature: 'utc_iso_ms(instant)',
    meaning: 'an instant as text, UTC, to the millisecond: 2026-11-24T10:00:00.123',
    arity: 1,
  },
  epoch_ms: {
    signature: 'epoch_ms(instant)',
    meaning: 'milliseconds since 1970 (BIGINT)',
    arity: 1,
  },
  from_epoch_ms: {
    signature: 'from_epoch_ms(number)',
    meaning: 'the instant so many milliseconds after 1970',
    arity: 1,
  },
  from_epoch_s: {
    signature: 'from_epoch_s(number)',
    meaning: 'the instant so many seconds after 1970',
    arity: 1,
  },
  iso_week: {
    signature: 'iso_week(local_time)',
    meaning: "the ISO week label of a local date or time: '2026-W47' (weeks start on Monday)",
    arity: 1,
  },
  year_month: {
    signature: 'year_month(local_time)',
    meaning: "the month label of a local date or time: '2026-11'",
    arity: 1,
  },
  iso_weekday: {
    signature: 'iso_weekday(date)',
    meaning: 'the ISO day of the week: 1 Monday ... 7 Sunday',
    arity: 1,
  },
  minutes: {
    signature: 'minutes(milliseconds)',
    meaning: 'milliseconds as minutes rounded to 2 decimals, a DOUBLE',
    arity: 1,
  },
  latest: {
    signature: 'latest(value, at)',
    meaning:
      'aggregate: the value of the latest row by `at` (rows without `at` last), ties to the smallest value; NULL values are skipped',
    arity: 2,
  },
  top_by: {
    signature: 'top_by(value, weight)',
    meaning:
      'aggregate: the value with the largest numeric weight, ties to the smallest value; NULL values are skipped',
    arity: 2,
  },
  distinct_list: {
    signature: "distinct_list(value, ',')",
    meaning: 'aggregate: the distinct values, sorted, joined by the separator',
    arity: 2,
  },
  json: {
    signature: "json(document, '$.path')",
    meaning:
      'the object or array at a JSONPath, as JSON (NULL when missing or null); for scalars use json_text',
    arity: 2,
  },
  json_text: {
    signature: "json_text(document, '$.path')",
    meaning:
      'the value at a JSONPath as text: a string unquoted, a number as written (NULL when missing or null)',
    arity: 2,
  },
  is_json_object: {
    signature: "is_json_object(document, '$.path')",
    meaning: 'whether the value at a JSONPath is an object (NULL when missing)',
    arity: 2,
  },
  is_json_array: {
    signature: "is_json_array(document, '$.path')",
    meaning: 'whether the value at a JSONPath is an array (NULL when missing)',
    arity: 2,
  },
  json_each: {
    signature: "json_each(document, '$.path', item, n)",
    meaning:
      'in a SELECT list: one row per element of the array at the path, the element as JSON in column `item` and its position (from 1) in `n`; no row when there is no array',
    arity: 4,
  },
  json_each_or_null: {
    signature: "json_each_or_null(document, '$.path', item, n)",
    meaning:
      'as json_each, but a document whose path holds no array gives one row with `item` NULL',
    arity: 4,
  },
  day_list: {
    signature: 'day_list(from, to)',
    meaning: 'the list of days (as timestamps at midnight) from one to the other, both included',
    arity: 2,
  },
  explode: {
    signature: 'explode(list)',
    meaning: 'in a SELECT list: one row per element of the list',
    arity: 1,
  },
  match_name: {
    signature: 'match_name(text)',
    meaning:
      'a name as two histories are compared by: lower case, every run of what is not a letter or digit one space, trimmed',
    arity: 1,
  },
  decode_escapes: {
    signature: 'decode_escapes(column)',
    meaning:
      'text with literal \\uXXXX escapes decoded (a name that cannot be decoded is kept as it was)',
    arity: 1,
  },
} satisfies Record<string, MacroSpec>;

export type MacroName = keyof typeof MACROS;

/**
 * Where a model is rendered: the time zone, the lake, and what a partitioned build makes: some
 * years, or a span of days (changes.ts).
 */
export interface RenderContext {
  timezone: string;
  lakeRoot: string;
  years?: ReadonlySet<number>;
  days?: DaySpan;
}

/** One dialect's rendering of a macro; `args` are rendered SQL, split at top-level commas. */
export type MacroRenderer = (args: string[], context: RenderContext) => string;
