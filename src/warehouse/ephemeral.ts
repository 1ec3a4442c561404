import type { EngineName } from './engines/engine.js';
import type { Model } from './models.js';

/**
 * Ephemeral models (dbt's word): on the engines a model names in `ephemeral_on`, it is not
 * written to the lake. Each model that reads it runs its SQL instead, as a CTE rendered for the
 * same build (the same years on a partitioned build, so its own reads are narrowed alike), and
 * the engine shows it as a view for anyone who queries it. On DuckDB this saves writing and
 * reading back a table that one model reads; Spark, which would compute a CTE once per use,
 * keeps it a table.
 */
export const isEphemeralOn = (model: Model, engine: EngineName) =>
  model.ephemeralOn.includes(engine);

/**
 * `sql` (the rendered SQL of `model`) with every input that is ephemeral on `engine` written in
 * as a CTE; inputs of inputs too. `render(model, narrowed)` gives a model's own SQL for this
 * build: narrowed to the years being built (its reads through `partition_window` cut to them),
 * or whole.
 *
 * An input is narrowed only where every read of it is cut by a partition window
 * (`FROM silver.x WHERE {{ partition_window(...) }}`): those reads see only rows of the window,
 * which the narrowed input computes as its own build of those years would. A read of all of it
 * (an all-time total) gets it whole. *
 * `notMaterialized` is the dialect's `{{ not_materialized }}`: the CTE is computed where it is
 * read, never held whole. It stands for a table, and is as large as one (fct_play's input is
 * every stream); DuckDB would hold it in memory for the reads past the first, spilling it to
 * disk under the build's memory limit.
 */
export function inlineEphemeralInputs(
  model: Model,
  sql: string,
  engine: EngineName,
  modelsById: ReadonlyMap<string, Model>,
  render: (model: Model, narrowed: boolean) => string,
  notMaterialized: string,
  narrowed = true,
): string {
  let result = sql;
  for (const id of model.dependsOn) {
    const input = modelsById.get(id);
    if (!input || !isEphemeralOn(input, engine)) continue;
    const cut = narrowed && readOnlyInWindow(model.sql, id);
    const inner = inlineEphemeralInputs(
      input,
      render(input, cut),
      engine,
      modelsById,
      render,
      notMaterialized,
      cut,
    );
    const name = `ephemeral_${input.layer}_${input.name}`;
    const header = `${name} AS ${notMaterialized ? `${notMaterialized} ` : ''}(`;
    const body = result.replace(references(id), name);
    const leadingWith = /^\s*WITH\s+/i.exec(body);
    result = leadingWith
      ? `WITH ${header}\n${inner}\n),\n${body.slice(leadingWith[0].length)}`
      : `WITH ${header}\n${inner}\n)\n${body}`;
  }
  return result;
}

/** Every mention of the model `id` (`silver.x`) as a name, in SQL text. */
const references = (id: string) =>
  new RegExp(`(?<![\\w.])${id.replace('.', '\\.')}(?![\\w])`, 'gi');

/** Whether every read of `id` in a model's SQL (as written) is cut by its partition window. */
export function readOnlyInWindow(modelSql: string, id: string): boolean {
  const all = modelSql.match(references(id))?.length ?? 0;
  return all > 0 && windowedReads(modelSql, id) === all;
}

/** How many reads of `id` in a model's SQL (as written) are cut by its partition window. */
export function windowedReads(modelSql: string, id: string): number {
  const windowed = new RegExp(
    `\\bFROM\\s+${id.replace('.', '\\.')}(?:\\s+(?:AS\\s+)?(?!WHERE\\b)[A-Za-z_]\\w*)?\\s+WHERE\\s+\\{\\{\\s*partition_window\\(`,
    'gi',
  );
  return modelSql.match(windowed)?.length ?? 0;
}
