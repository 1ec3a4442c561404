import { createHash } from 'node:crypto';
import { type CheckSpec, describeCheck } from './checks.js';
import type { Warehouse } from './engine.js';
import type { Model } from './models.js';
import { readViewStamps } from './view-stamps.js';

/** Where the results are kept: in the warehouse, which (like all of HOME) is a cache. */
const RESULTS = 'main.wrapped_check_results';

/**
 * Check results remembered by what they read. A table's view stamp (view-stamps.ts) names the
 * Parquet parts it reads, which are never rewritten: a check of the same table version (and,
 * for a relationship, the same version of the table it points to) counts the same rows. An
 * hourly run rebuilds a few tables, so only their checks run again; at 500k streams all of them
 * take about 3 s. Only results of checks that ran without error are kept, and only those of the
 * last run. A check that reads a view model, or a table whose view carries no stamp (shown by
 * other means), always runs.
 */
export class CheckMemory {
  private constructor(
    private readonly stamps: ReadonlyMap<string, string>,
    private readonly remembered: ReadonlyMap<string, number>,
    /** The models built as tables: a view's stamp is its SQL, not a version of its rows. */
    private readonly tables: ReadonlySet<string>,
  ) {}

  static async open(warehouse: Warehouse, models: Model[]): Promise<CheckMemory> {
    await warehouse.run(
      `CREATE TABLE IF NOT EXISTS ${RESULTS} (check_key VARCHAR PRIMARY KEY, failing BIGINT NOT NULL)`,
    );
    const rows = (await warehouse.query(`SELECT check_key, failing FROM ${RESULTS}`)).rows;
    return new CheckMemory(
      await readViewStamps(warehouse),
      new Map(rows.map((r) => [String(r.check_key), Number(r.failing)])),
      new Set(models.filter((m) => m.materialized !== 'view').map((m) => m.id)),
    );
  }

  /** What the check's result depends on, or undefined when that cannot be told. */
  keyOf(model: Model, check: CheckSpec): string | undefined {
    const read = [model.id, ...(check.kind === 'relationships' ? [check.target] : [])];
    if (!read.every((table) => this.tables.has(table))) return undefined;
    const stamps = read.map((table) => this.stamps.get(table));
    if (stamps.some((stamp) => stamp === undefined)) return undefined;
    return createHash('sha256')
      .update(JSON.stringify([model.id, describeCheck(check), stamps]))
      .digest('hex');
  }

  recall(key: string | undefined): number | undefined {
    return key === undefined ? undefined : this.remembered.get(key);
  }

  /** Replaces what is remembered with these results (the checks of this run). */
  async keep(warehouse: Warehouse, results: Array<{ key: string; failing: number }>) {
    // A check declared twice (a key's not_null and the same check written out) has one key.
    const failingByKey = new Map(results.map((r) => [r.key, Math.trunc(r.failing)]));
    const values = [...failingByKey].map(([key, failing]) => `('${key}', ${failing})`);
    await warehouse.run(`DELETE FROM ${RESULTS}`);
    for (let i = 0; i < values.length; i += 500)
      await warehouse.run(
        `INSERT OR REPLACE INTO ${RESULTS} VALUES ${values.slice(i, i + 500).join(', ')}`,
      );
  }
}
