import { CheckMemory } from './check-memory.js';
import {
  type CheckSpec,
  checkQuery,
  describeCheck,
  failingRowCondition,
  rowChecksQuery,
} from './checks.js';
import type { Warehouse } from './engine.js';
import type { Model } from './models.js';

export interface CheckResult {
  model: string;
  check: string;
  failing: number;
  passed: boolean;
  /** Set when the check could not run (table missing, column missing). Counts as a failure. */
  error?: string;
}

/** Checks of this many models run at once, each on a connection of its own. */
const CHECK_CONCURRENCY = 2;

export interface CheckOptions {
  /**
   * Reuse the results of checks whose tables did not change since the last run that
   * remembered them (check-memory.ts), and remember this run's. For the hourly runs; `wrapped
   * check` runs every check.
   */
  remember?: boolean;
}

/**
 * Runs every declared check of every model; never throws for a failing check, only reports it.
 * A model's row checks (not_null, accepted_values, expression) share one pass over its table;
 * two models are checked at a time. Results come in the models' and checks' order.
 */
export async function runChecks(
  warehouse: Warehouse,
  models: Model[],
  options: CheckOptions = {},
): Promise<CheckResult[]> {
  const memory = options.remember ? await CheckMemory.open(warehouse, models) : undefined;
  const results: KeyedResult[][] = new Array(models.length);
  let next = 0;
  const worker = async (connection: Warehouse) => {
    for (let i = next++; i < models.length; i = next++)
      results[i] = await checkModel(connection, models[i] as Model, memory);
  };
  const forks = await Promise.all(
    Array.from({ length: Math.min(CHECK_CONCURRENCY, models.length) - 1 }, () => warehouse.fork()),
  );
  try {
    await Promise.all([warehouse, ...forks].map(worker));
  } finally {
    for (const fork of forks) fork.close();
  }
  const all = results.flat();
  await memory?.keep(
    warehouse,
    all.flatMap(({ key, result }) =>
      key !== undefined && result.error === undefined ? [{ key, failing: result.failing }] : [],
    ),
  );
  return all.map(({ result }) => result);
}

/** A result, with what it was remembered by (when it can be). */
type KeyedResult = { key: string | undefined; result: CheckResult };

async function checkModel(
  warehouse: Warehouse,
  model: Model,
  memory: CheckMemory | undefined,
): Promise<KeyedResult[]> {
  const keys = model.checks.map((check) => memory?.keyOf(model, check));
  const failingByIndex = new Map<number, number>();
  keys.forEach((key, index) => {
    const failing = memory?.recall(key);
    if (failing !== undefined) failingByIndex.set(index, failing);
  });
  const rowChecks = model.checks.flatMap((check, index) => {
    const condition = failingRowCondition(check);
    return condition === undefined || failingByIndex.has(index) ? [] : [{ index, condition }];
  });
  if (rowChecks.length > 1) {
    try {
      const { rows } = await warehouse.query(
        rowChecksQuery(
          model.id,
          rowChecks.map((c) => c.condition),
        ),
      );
      rowChecks.forEach((c, i) => {
        failingByIndex.set(c.index, Number(rows[0]?.[`failing_${i}`] ?? 0));
      });
    } catch {
      // One of them cannot run (a table or column missing): each alone says which.
    }
  }
  const results: KeyedResult[] = [];
  for (const [index, check] of model.checks.entries()) {
    const failing = failingByIndex.get(index);
    results.push({
      key: keys[index],
      result:
        failing === undefined
          ? await runOne(warehouse, model, check)
          : { model: model.id, check: describeCheck(check), failing, passed: failing === 0 },
    });
  }
  return results;
}

async function runOne(warehouse: Warehouse, model: Model, check: CheckSpec): Promise<CheckResult> {
  const name = describeCheck(check);
  try {
    const { rows } = await warehouse.query(checkQuery(model.id, check));
    const failing = Number(rows[0]?.failing ?? 0);
    return { model: model.id, check: name, failing, passed: failing === 0 };
  } catch (error) {
    const message = (error as Error).message;
    const notBuilt = /does not exist/i.test(message) && message.includes(model.name);
    return {
      model: model.id,
      check: name,
      failing: 0,
      passed: false,
      error: notBuilt
        ? `${model.id} is not built yet: run \`wrapped transform\` first`
        : (message.split('\n')[0] ?? message),
    };
  }
}
