import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ModelError } from '../errors.js';
import { LAYERS, type Layer } from '../lake/layout.js';
import { type CheckSpec, parseCheck } from './checks.js';
import { ENGINE_NAMES, type EngineName } from './engines/engine.js';

export type Materialization = 'table' | 'view' | 'incremental' | 'partitioned';

/**
 * One model: one SQL file, `models/<layer>/<name>.sql`, whose leading `--` comment lines form
 * a header:
 *   -- Free text describing the model.
 *   -- depends_on: bronze.stg_x, silver.dim_y     models this one reads (checked against the SQL)
 *   -- key: play_id                               the declared key (a unique + not_null check)
 *   -- materialized: table | view | incremental | partitioned
 *                      table (default): Parquet in the lake, rebuilt when an input changed;
 *                      incremental (bronze over raw files): each build adds a part for the
 *                      loads not read before; partitioned (silver, gold): one part per year of
 *                      `event_time`, and a build rebuilds only the years its inputs changed
 *   -- event_time: ended_at                       the column that dates a row (partitions, and
 *                                                 which days a change touched)
 *   -- rebuild: days                              (partitioned) each row is made from input rows
 *                                                 within the partition margin of its own day, so
 *                                                 a change of a few days rebuilds those days
 *                                                 (widened by the margin) inside their year's
 *                                                 part instead of the whole year; default years
 *   -- rebuild: months where period_type = 'week'  (partitioned) the rows the condition picks each
 *                                                 cover at most a month from their day (a week's
 *                                                 or a month's list): a short change rebuilds the
 *                                                 ones whose day lies up to 31 days before a
 *                                                 changed day; the other
 *                                                 rows are rebuilt with their year (dated) or on
 *                                                 every build (undated)
 *   -- ephemeral_on: duckdb                       engines that do not write it: each model that
 *                                                 reads it runs its SQL as a CTE, rendered for
 *                                                 the same years; the engine shows it as a view
 *   -- lookup: silver.int_track_names (track_key)  an input read by key (one line each; see
 *                                                 changes.ts); the columns say how its key
 *                                                 meets this model's rows: `col` (same name) or
 *                                                 `col = expression over this model's columns`
 *   -- check: not_null(user_id)                   see checks.ts
 * The body is a single SELECT. `{{ lake_path('raw/...') }}` and `{{ timezone }}` are replaced
 * by SQL string literals before it runs; `{{ partition_window(column) }}` by a condition that
 * keeps the rows a partitioned build needs (TRUE when it builds every year).
 */
export interface Model {
  id: string; // "silver.fct_play"
  layer: Layer;
  name: string;
  file: string;
  description: string;
  dependsOn: string[];
  key: string[];
  materialized: Materialization;
  /** Engines that inline it into the models that read it instead of writing it (ephemeral). */
  ephemeralOn: EngineName[];
  /** The column that dates a row: partitions of a partitioned model, days touched by a change. */
  eventTime?: string;
  /**
   * A partitioned model whose rows are made from the input rows of their own day (`days`), or
   * whose rows `where` picks are made from up to a month from it (`months`): a short change
   * rebuilds only those rows around it (materializations/partitioned.ts).
   */
  rebuild?: Rebuild;
  /** Inputs read by key (declared in depends_on): rows they add only matter to new rows. */
  lookups: string[];
  /** For a lookup: its key columns, each with the expression over this model's rows it meets. */
  lookupKeys: Record<string, LookupKey[]>;
  checks: CheckSpec[];
  sql: string;
}

export type Rebuild =
  | { unit: 'days' }
  /** `where`: SQL over the model's columns, the rows made this way (others rebuild by year). */
  | { unit: 'months'; where: string };

export interface LookupKey {
  column: string;
  expression: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const HEADER_LINE = /^--\s?(.*)$/;
const HEADER_FIELD = /^([a-z_]+):\s*(.*)$/;
const KNOWN_FIELDS = new Set([
  'depends_on',
  'key',
  'materialized',
  'event_time',
  'lookup',
  'check',
  'ephemeral_on',
  'rebuild',
]);
const MATERIALIZATIONS: Materialization[] = ['table', 'view', 'incremental', 'partitioned'];
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseModel(file: string, layer: Layer, text: string): Model {
  const base = file.split(/[\\/]/).pop() ?? file;
  const name = base.replace(/\.sql$/, '');
  if (!NAME.test(name)) {
    throw new ModelError(
      `${file}: model file names must be lower-case letters, digits and _ (got "${name}").`,
    );
  }
  const lines = text.split(/\r?\n/);
  const description: string[] = [];
  const dependsOn: string[] = [];
  const checks: CheckSpec[] = [];
  let key: string[] = [];
  let materialized: Materialization = 'table';
  let eventTime: string | undefined;
  let rebuild: Rebuild | undefined;
  const ephemeralOn: EngineName[] = [];
  const lookups: string[] = [];
  const lookupKeys: Record<string, LookupKey[]> = {};
  let bodyStart = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const comment = HEADER_LINE.exec(line);
    if (!comment) {
      bodyStart = i;
      break;
    }
    const content = (comment[1] ?? '').trim();
    const field = HEADER_FIELD.exec(content);
    const where = `${file}:${i + 1}`;
    if (!field) {
      description.push(content);
      continue;
    }
    if (!KNOWN_FIELDS.has(field[1] ?? '')) {
      // A lower-case `word:` line is meant as a field; a typo must not silently become prose.
      throw new ModelError(
        `${where}: unknown header field "${field[1]}". Known: ${[...KNOWN_FIELDS].join(', ')}.`,
      );
    }
    const [, fieldName, value = ''] = field;
    switch (fieldName) {
      case 'lookup': {
        const parsed = parseLookup(value, where);
        lookups.push(parsed.id);
        if (parsed.keys.length > 0) lookupKeys[parsed.id] = parsed.keys;
        break;
      }
      case 'depends_on':
        for (const dep of value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          if (!/^(bronze|silver|gold)\.[a-z][a-z0-9_]*$/.test(dep)) {
            throw new ModelError(
              `${where}: depends_on entry "${dep}" must look like layer.model (e.g. bronze.stg_plays).`,
            );
          }
          dependsOn.push(dep);
        }
        break;
      case 'event_time':
        if (!COLUMN.test(value))
          throw new ModelError(`${where}: event_time "${value}" is not a column name.`);
        eventTime = value;
        break;
      case 'key':
        key = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const column of key) {
          if (!COLUMN.test(column))
            throw new ModelError(`${where}: key "${column}" is not a column name.`);
        }
        break;
      case 'materialized':
        if (!MATERIALIZATIONS.includes(value as Materialization)) {
          throw new ModelError(
            `${where}: materialized must be "table", "view", "incremental" or "partitioned", not "${value}".`,
          );
        }
        if (value === 'incremental' && layer !== 'bronze')
          throw new ModelError(
            `${where}: only bronze models read raw files, so only they can be incremental.`,
          );
        if (value === 'partitioned' && layer === 'bronze')
          throw new ModelError(
            `${where}: bronze models are incremental over raw files; partitioned is for silver and gold.`,
          );
        materialized = value as Materialization;
        break;
      case 'rebuild':
        rebuild = parseRebuild(value, where);
        break;
      case 'check':
        checks.push(...parseCheck(value, where));
        break;
      case 'ephemeral_on':
        for (const engine of value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          if (!ENGINE_NAMES.includes(engine as EngineName))
            throw new ModelError(
              `${where}: ephemeral_on names "${engine}"; engines are ${ENGINE_NAMES.join(', ')}.`,
            );
          ephemeralOn.push(engine as EngineName);
        }
        break;
    }
  }
  const sql = lines.slice(bodyStart).join('\n').trim().replace(/;\s*$/, '');
  if (sql === '') throw new ModelError(`${file}: the model has no SQL body.`);
  if (materialized === 'partitioned' && eventTime === undefined)
    throw new ModelError(
      `${file}: a partitioned model needs "-- event_time: <column>", the column whose year picks the part.`,
    );
  if (rebuild !== undefined && materialized !== 'partitioned')
    throw new ModelError(
      `${file}: "rebuild: ${rebuild.unit}" says how a partitioned model rebuilds; this one is ${materialized}.`,
    );
  for (const lookup of lookups)
    if (!dependsOn.includes(lookup))
      throw new ModelError(`${file}: lookup names ${lookup}, which depends_on does not declare.`);
  if (ephemeralOn.length > 0 && (materialized === 'view' || checks.length + key.length > 0))
    throw new ModelError(
      `${file}: an ephemeral model is written by some engines only, so it can have no checks (check what reads it) and must not be a view.`,
    );
  if (key.length > 0) {
    checks.unshift(
      { kind: 'unique', columns: key },
      ...key.map((column) => ({ kind: 'not_null' as const, column })),
    );
  }
  return {
    id: `${layer}.${name}`,
    layer,
    name,
    file,
    description: description.join(' ').trim(),
    dependsOn,
    key,
    materialized,
    ephemeralOn,
    ...(eventTime === undefined ? {} : { eventTime }),
    ...(rebuild === undefined ? {} : { rebuild }),
    lookups,
    lookupKeys,
    checks,
    sql,
  };
}

/** `days`, `years` (the default: undefined) or `months where <condition>`. */
function parseRebuild(value: string, where: string): Rebuild | undefined {
  if (value === 'years') return undefined;
  if (value === 'days') return { unit: 'days' };
  const months = /^months where (.+)$/.exec(value);
  if (months?.[1]) return { unit: 'months', where: months[1].trim() };
  throw new ModelError(
    `${where}: rebuild must be "days", "years" or "months where <condition>", not "${value}".`,
  );
}

/** `silver.x` or `silver.x (a, b = coalesce(c, ''))`: a lookup and how its key meets our rows. */
function parseLookup(value: string, where: string): { id: string; keys: LookupKey[] } {
  const match = /^((?:bronze|silver|gold)\.[a-z][a-z0-9_]*)\s*(?:\((.*)\))?$/.exec(value.trim());
  if (!match)
    throw new ModelError(
      `${where}: lookup "${value}" must look like layer.model, optionally with key columns: silver.int_track_names (track_key).`,
    );
  const keys: LookupKey[] = [];
  for (const pair of splitTopLevel(match[2] ?? '')) {
    const [column = '', ...rest] = pair.split('=');
    const name = column.trim();
    if (!COLUMN.test(name))
      throw new ModelError(`${where}: lookup key "${pair}" must start with a column name.`);
    keys.push({ column: name, expression: rest.length > 0 ? rest.join('=').trim() : name });
  }
  return { id: match[1] as string, keys };
}

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    if (char === ',' && depth === 0 && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** Reads `<dir>/{bronze,silver,gold}/*.sql`. A missing layer folder is simply empty. */
export function loadModels(dir: string): Model[] {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new ModelError(`The models folder ${dir} does not exist or is not a folder.`, {
      hint: 'Point --models (or WRAPPED_MODELS) at a folder holding bronze/, silver/ and gold/.',
    });
  }
  const models: Model[] = [];
  for (const layer of LAYERS) {
    let names: string[];
    try {
      names = readdirSync(join(dir, layer))
        .filter((n) => n.endsWith('.sql'))
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, layer, name);
      models.push(
        parseModel(relative(process.cwd(), file) || file, layer, readFileSync(file, 'utf8')),
      );
    }
  }
  validateGraph(models);
  return models;
}

const REFERENCE = /\b(bronze|silver|gold)\.([a-z][a-z0-9_]*)\b/g;

function stripCommentsAndStrings(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
}

/**
 * Every reference in the SQL must be declared, every declared model must exist, layers only read
 * the same or lower layers (bronze < silver < gold), and there is no cycle.
 */
export function validateGraph(models: Model[]): void {
  const byId = new Map(models.map((m) => [m.id, m]));
  const rank = (layer: string) => LAYERS.indexOf(layer as Layer);
  for (const model of models) {
    for (const dep of model.dependsOn) {
      const target = byId.get(dep);
      if (!target)
        throw new ModelError(`${model.file}: depends_on names ${dep}, but there is no such model.`);
      if (dep === model.id) throw new ModelError(`${model.file}: a model cannot depend on itself.`);
      if (rank(target.layer) > rank(model.layer)) {
        throw new ModelError(
          `${model.file}: ${model.layer} cannot read ${target.layer} (${dep}); layers flow bronze -> silver -> gold.`,
        );
      }
    }
    for (const match of stripCommentsAndStrings(model.sql).matchAll(REFERENCE)) {
      const ref = `${match[1]}.${match[2]}`;
      if (ref !== model.id && byId.has(ref) && !model.dependsOn.includes(ref)) {
        throw new ModelError(
          `${model.file}: the SQL reads ${ref} but the header does not declare it.`,
          {
            hint: `Add "-- depends_on: ${ref}" to the header so it is built first.`,
          },
        );
      }
    }
    for (const check of model.checks) {
      if (check.kind === 'relationships' && !byId.has(check.target)) {
        throw new ModelError(
          `${model.file}: check relationships names ${check.target}, but there is no such model.`,
        );
      }
    }
  }
  buildOrder(models);
}

/** Models in dependency order (Kahn's algorithm; ties broken by layer, then name, for stable runs). */
export function buildOrder(models: Model[]): Model[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const remaining = new Map(
    models.map((m) => [m.id, new Set(m.dependsOn.filter((d) => byId.has(d)))]),
  );
  const order: Model[] = [];
  const compare = (a: Model, b: Model) =>
    LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || a.name.localeCompare(b.name);
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([id]) => byId.get(id) as Model)
      .sort(compare);
    if (ready.length === 0) {
      throw new ModelError(
        `Models depend on each other in a cycle: ${[...remaining.keys()].sort().join(', ')}.`,
      );
    }
    for (const model of ready) {
      order.push(model);
      remaining.delete(model.id);
      for (const deps of remaining.values()) deps.delete(model.id);
    }
  }
  return order;
}
