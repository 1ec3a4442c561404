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

/**
 * Runs every declared check of every model; never throws for a failing check, only reports it.
 * A model's row checks (not_null, accepted_values, expression) share one pass over its table;
 * two models are checked at a time. Results come in the models' and checks' order.
 */
export async function runChecks(warehouse: Warehouse, models: Model[]): Promise<CheckResult[]> {
  const results: CheckResult[][] = new Array(models.length);
  let next = 0;
  const worker = async (connection: Warehouse) => {
    for (let i = next++; i < models.length; i = next++)
      results[i] = await checkModel(connection, models[i] as Model);
  };
  const forks = await Promise.all(
    Array.from({ length: Math.min(CHECK_CONCURRENCY, models.length) - 1 }, () => warehouse.fork()),
  );
  try {
    await Promise.all([warehouse, ...forks].map(worker));
  } finally {
    for (const fork of forks) fork.close();
  }
  return results.flat();
}

async function checkModel(warehouse: Warehouse, model: Model): Promise<CheckResult[]> {
  const rowChecks = model.checks.flatMap((check, index) => {
    const condition = failingRowCondition(check);
    return condition === undefined ? [] : [{ index, condition }];
  });
  const failingByIndex = new Map<number, number>();
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
  const results: CheckResult[] = [];
  for (const [index, check] of model.checks.entries()) {
    const failing = failingByIndex.get(index);
    results.push(
      failing === undefined
        ? await runOne(warehouse, model, check)
        : { model: model.id, check: describeCheck(check), failing, passed: failing === 0 },
    );
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
