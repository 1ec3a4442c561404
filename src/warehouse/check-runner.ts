import { type CheckSpec, checkQuery, describeCheck } from './checks.js';
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

/** Runs every declared check of every model; never throws for a failing check, only reports it. */
export async function runChecks(warehouse: Warehouse, models: Model[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const model of models) {
    for (const check of model.checks) results.push(await runOne(warehouse, model, check));
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
