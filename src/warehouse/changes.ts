import type { Model } from './models.js';

/**
 * What a build changed in a table, so the models that read it know how much to redo:
 *
 * - `none`: the table holds the same rows as before (nothing to redo downstream);
 * - `additions`: rows were added and none changed or went away;
 * - `dated`: the rows that changed (added, gone or different) fall on these days of the
 *   table's `event_time` (days as YYYY-MM-DD in WRAPPED_TIMEZONE), and, when `undated`, some
 *   rows without a date changed too (a top list's all-time rows);
 * - `all`: anything may have changed (a whole rebuild, or changes that no day describes);
 *   `rows`, when set, names a temporary table holding the rows that changed (both versions),
 *   so a model that looks this table up by key can find which of its own rows they concern.
 */
export type Change =
  | { kind: 'none' }
  | { kind: 'additions' }
  | { kind: 'dated'; days: ReadonlySet<string>; undated?: boolean }
  | { kind: 'all'; rows?: string };

export const NO_CHANGE: Change = { kind: 'none' };
export const ALL_CHANGED: Change = { kind: 'all' };

export function datedChange(days: Iterable<string>, undated = false): Change {
  const set = new Set(days);
  return set.size === 0 && !undated ? NO_CHANGE : { kind: 'dated', days: set, undated };
}

/**
 * The change a model's inputs bring, as the model can use it:
 * - a table rebuilds on any change, so only none versus something matters;
 * - a view passes on its inputs' changed days only when it declares `event_time` (its rows are
 *   then dated like its inputs' rows, each from rows of the same day); otherwise any change is
 *   `all`, since a view can join rows of one day with rows of another;
 * - a partitioned model rebuilds the years of changed days, and everything for any other
 *   change, except in its `lookups`: inputs it reads by key for rows of the same dates (a
 *   dimension, or another table's rows of the same year), where rows added, and undated rows,
 *   concern only its new rows (an old row references only keys that were already there, which
 *   the relationship checks verify).
 * An input not built in this run (unknown) counts as changed.
 */
export function inputChange(model: Model, changes: ReadonlyMap<string, Change>): Change {
  const days = new Set<string>();
  let additions = false;
  let undated = false;
  for (const dep of model.dependsOn) {
    const change = changes.get(dep) ?? ALL_CHANGED;
    if (change.kind === 'none') continue;
    if (change.kind === 'all') return ALL_CHANGED;

    const lookup = model.materialized === 'partitioned' && model.lookups.includes(dep);
    if (change.kind === 'additions') {
      if (!lookup) additions = true;
      continue;
    }
    if (change.undated && !lookup) undated = true;
    for (const day of change.days) days.add(day);
  }
  if (!additions && !undated && days.size === 0) return NO_CHANGE;
  if (model.materialized === 'table') return ALL_CHANGED;
  if (additions) return ALL_CHANGED;
  if (model.materialized === 'view')
    return model.eventTime === undefined || undated ? ALL_CHANGED : { kind: 'dated', days };
  // A partitioned model rebuilds its undated part on any change anyway.
  return undated ? ALL_CHANGED : { kind: 'dated', days };
}

/**
 * Rows of a year's partition may read input rows up to this many days outside the year: local
 * days versus UTC (at most 14 hours), ISO weeks that start in the previous year (3 days), and a
 * play's predecessor for the estimated minutes of an API play (duration is at most hours).
 */
export const PARTITION_MARGIN_DAYS = 8;

const DAY_MS = 86_400_000;
const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const shiftDay = (day: string, days: number) =>
  isoDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);

/** The years whose partitions a change on these days can touch (the margin applied). */
export function yearsTouched(days: Iterable<string>): Set<number> {
  const years = new Set<number>();
  for (const day of days) {
    const at = Date.parse(`${day}T00:00:00Z`);
    if (Number.isNaN(at)) continue;
    for (const offset of [-PARTITION_MARGIN_DAYS, 0, PARTITION_MARGIN_DAYS])
      years.add(new Date(at + offset * DAY_MS).getUTCFullYear());
  }
  return years;
}

/** A span of local days, both ends included (YYYY-MM-DD). */
export interface DaySpan {
  from: string;
  to: string;
}

/**
 * The longest span of changed days a model made day by day (`rebuild: days`) rebuilds as days;
 * a longer one (an export of years) rebuilds its years.
 */
export const MAX_DAY_SPAN = 31;

/**
 * The days of the rows a change on these days can touch in a model whose rows are each made from
 * input rows within the margin of their own day, or up to `reachDays` after it (a month's list
 * starts up to 31 days before a play in it): the changed days' span, widened by the margin on
 * both sides and by the reach before it. Undefined when the change is not dated, reaches undated
 * rows, or spans more than MAX_DAY_SPAN days: then its years are rebuilt.
 */
export function daysTouched(change: Change, reachDays = 0): DaySpan | undefined {
  if (change.kind !== 'dated' || change.undated) return undefined;
  const days = [...change.days].sort();
  if (days.length === 0 || days.some((day) => Number.isNaN(Date.parse(`${day}T00:00:00Z`))))
    return undefined;
  const first = days[0] as string;
  const last = days.at(-1) as string;
  if ((Date.parse(last) - Date.parse(first)) / DAY_MS > MAX_DAY_SPAN) return undefined;
  return {
    from: shiftDay(first, -PARTITION_MARGIN_DAYS - reachDays),
    to: shiftDay(last, PARTITION_MARGIN_DAYS),
  };
}

/** The span with its last day `days` later. */
export const extendSpan = (span: DaySpan, days: number): DaySpan => ({
  from: span.from,
  to: shiftDay(span.to, days),
});

/**
 * `{{ partition_years(column) }}`: the rows of a date column (a year's first day) in the years a
 * build makes. A month-made model (`rebuild: months`) reads its year rows' inputs with it, since
 * its days window does not hold the years' first days. TRUE when every year is built.
 */
export function partitionYearsSql(column: string, years: ReadonlySet<number> | undefined) {
  if (years === undefined) return 'TRUE';
  if (years.size === 0) return 'FALSE';
  return `(year(${column}) IN (${[...years].sort((a, b) => a - b).join(', ')}))`;
}

/** The years a span of days falls in. */
export function yearsOfSpan(span: DaySpan): Set<number> {
  const years = new Set<number>();
  for (let year = Number(span.from.slice(0, 4)); year <= Number(span.to.slice(0, 4)); year++)
    years.add(year);
  return years;
}

/**
 * The SQL condition `{{ partition_window(column) }}` becomes: the rows a build of these years
 * (or of this span of days) reads, widened by the margin on both sides. TRUE when every year is
 * built.
 */
export function partitionWindowSql(
  column: string,
  years: ReadonlySet<number> | undefined,
  days?: DaySpan,
) {
  // Days from..to, widened by the margin.
  const window = (span: DaySpan) =>
    `(${column} >= DATE '${shiftDay(span.from, -PARTITION_MARGIN_DAYS)}' AND ${column} < DATE '${shiftDay(span.to, 1 + PARTITION_MARGIN_DAYS)}')`;
  if (days !== undefined) return window(days);
  if (years === undefined) return 'TRUE';
  if (years.size === 0) return 'FALSE';
  const sorted = [...years].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const year of sorted) {
    const last = ranges.at(-1);
    if (last && last[1] === year - 1) last[1] = year;
    else ranges.push([year, year]);
  }
  const conditions = ranges.map(([from, to]) =>
    window({ from: `${from}-01-01`, to: `${to}-12-31` }),
  );
  return `(${conditions.join(' OR ')})`;
}
