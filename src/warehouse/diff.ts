import { ALL_CHANGED, type Change, datedChange, NO_CHANGE } from './changes.js';
import type { Engine } from './engines/engine.js';

type Queries = Pick<Engine, 'query' | 'createTempTable' | 'dialect'>;

/**
 * What changed between two versions of a table's rows (each a relation, `engine.parts(...)`,
 * or undefined for no rows): rows compared whole, as multisets. With an event_time, the change
 * is the days of the rows that differ (and whether undated rows did). Without, rows only added
 * make `additions`, and any row gone or altered `all`; the changed rows (both versions) are
 * then kept in a temporary table named after `changedRowsTable` when one is named, for the
 * models that look this table up by key (runner.ts). Portable SQL: every engine runs it.
 */
export async function diffRows(
  engine: Queries,
  before: string | undefined,
  after: string | undefined,
  eventTime: string | undefined,
  changedRowsTable?: string,
): Promise<Change> {
  if (before === undefined && after === undefined) return NO_CHANGE;
  const minus = (a: string | undefined, b: string | undefined) =>
    a === undefined
      ? undefined
      : b === undefined
        ? `SELECT * FROM ${a}`
        : `SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`;
  const added = minus(after, before);
  const gone = minus(before, after);
  const changed = [added, gone]
    .filter((s) => s !== undefined)
    .map((s) => `SELECT * FROM (${s}) AS d`)
    .join(' UNION ALL ');
  if (eventTime !== undefined)
    return daysOfRows(engine, engine.dialect.identifier(eventTime), `(${changed}) AS changed`);
  const count = async (sql: string | undefined) =>
    sql === undefined
      ? 0
      : Number((await engine.query(`SELECT count(*) AS n FROM (${sql}) AS c`)).rows[0]?.n ?? 0);
  if ((await count(gone)) > 0) {
    if (changedRowsTable === undefined) return ALL_CHANGED;
    return { kind: 'all', rows: await engine.createTempTable(changedRowsTable, changed) };
  }
  return (await count(added)) > 0 ? { kind: 'additions' } : NO_CHANGE;
}

/**
 * The change "these rows changed": the distinct days of `event` (an expression over `source`,
 * a relation), and whether some rows have no date.
 */
export async function daysOfRows(
  engine: Pick<Engine, 'query'>,
  event: string,
  source: string,
): Promise<Change> {
  const days = await engine.query(
    `SELECT DISTINCT CAST(CAST(${event} AS DATE) AS STRING) AS day FROM ${source}`,
  );
  return datedChange(
    days.rows.filter((r) => r.day !== null).map((r) => String(r.day)),
    days.rows.some((r) => r.day === null),
  );
}
