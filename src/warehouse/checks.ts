import { ModelError } from '../errors.js';

/**
 * Generic data checks, declared in a model's header (dbt's generic tests):
 *   -- check: unique(play_id)                  no two rows share the key (columns combined)
 *   -- check: not_null(play_id, user_id)       one check per column
 *   -- check: accepted_values(content_type: track, episode, unknown)
 *   -- check: relationships(track_id -> silver.dim_track.track_id)
 *   -- check: expression(ms_played >= 0)       rows where the condition is false fail (NULL
 *                                              passes, as in dbt: use not_null for NULLs)
 * Each compiles to one query that counts failing rows.
 */
export type CheckSpec =
  | { kind: 'unique'; columns: string[] }
  | { kind: 'not_null'; column: string }
  | { kind: 'accepted_values'; column: string; values: string[] }
  | { kind: 'relationships'; column: string; target: string; targetColumn: string }
  | { kind: 'expression'; condition: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE = /^(bronze|silver|gold)\.[a-z][a-z0-9_]*$/;

export function describeCheck(check: CheckSpec): string {
  switch (check.kind) {
    case 'unique':
      return `unique(${check.columns.join(', ')})`;
    case 'not_null':
      return `not_null(${check.column})`;
    case 'accepted_values':
      return `accepted_values(${check.column}: ${check.values.join(', ')})`;
    case 'relationships':
      return `relationships(${check.column} -> ${check.target}.${check.targetColumn})`;
    case 'expression':
      return `expression(${check.condition})`;
  }
}

/** Parses the text after `-- check:`; `where` names the file and line for errors. */
export function parseCheck(text: string, where: string): CheckSpec[] {
  const m = /^([a-z_]+)\s*\((.*)\)\s*$/s.exec(text.trim());
  const fail = (why: string): never => {
    throw new ModelError(`${where}: bad check "${text.trim()}": ${why}.`, {
      hint: 'Checks are unique(cols), not_null(cols), accepted_values(col: a, b), relationships(col -> layer.model.col) or expression(sql).',
    });
  };
  if (!m) return fail('expected name(arguments)');
  const [, kind = '', args = ''] = m;
  const identifiers = (list: string) => {
    const names = list.split(',').map((s) => s.trim());
    for (const name of names) if (!IDENT.test(name)) fail(`"${name}" is not a column name`);
    return names;
  };
  switch (kind) {
    case 'unique':
      return [{ kind, columns: identifiers(args) }];
    case 'not_null':
      return identifiers(args).map((column) => ({ kind, column }));
    case 'accepted_values': {
      const colon = args.indexOf(':');
      if (colon < 0) return fail('expected accepted_values(column: value, value)');
      const [column] = identifiers(args.slice(0, colon));
      const values = args
        .slice(colon + 1)
        .split(',')
        .map((s) => s.trim().replace(/^'(.*)'$/s, '$1'))
        .filter((s) => s.length > 0);
      if (values.length === 0) fail('no values listed');
      return [{ kind, column: column as string, values }];
    }
    case 'relationships': {
      const rel =
        /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*->\s*((?:bronze|silver|gold)\.[a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(
          args,
        );
      if (!rel) return fail('expected relationships(column -> layer.model.column)');
      const [, column = '', target = '', targetColumn = ''] = rel;
      if (!TABLE.test(target)) fail(`"${target}" is not a model name`);
      return [{ kind, column, target, targetColumn }];
    }
    case 'expression':
      if (args.trim() === '') fail('empty condition');
      return [{ kind, condition: args.trim() }];
    default:
      return fail(`unknown check "${kind}"`);
  }
}

const q = (name: string) => `"${name}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * For the checks that judge each row alone (not_null, accepted_values, expression): the
 * condition a failing row meets. Undefined for unique and relationships, which compare rows.
 */
export function failingRowCondition(check: CheckSpec): string | undefined {
  switch (check.kind) {
    case 'not_null':
      return `${q(check.column)} IS NULL`;
    case 'accepted_values':
      return `${q(check.column)} IS NOT NULL AND CAST(${q(check.column)} AS VARCHAR) NOT IN (${check.values.map(literal).join(', ')})`;
    case 'expression':
      return `NOT (${check.condition})`;
    default:
      return undefined;
  }
}

/** A query returning one row `{failing}`: how many rows of `table` break the check. */
export function checkQuery(table: string, check: CheckSpec): string {
  switch (check.kind) {
    case 'unique': {
      const cols = check.columns.map(q).join(', ');
      // Counts every row that shares its key with another row.
      return `SELECT coalesce(sum(n), 0)::BIGINT AS failing FROM (SELECT count(*) AS n FROM ${table} GROUP BY ${cols} HAVING count(*) > 1)`;
    }
    case 'relationships':
      return `SELECT count(*)::BIGINT AS failing FROM ${table} AS child WHERE child.${q(check.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${check.target} AS parent WHERE parent.${q(check.targetColumn)} = child.${q(check.column)})`;
    default:
      return `SELECT count(*)::BIGINT AS failing FROM ${table} WHERE ${failingRowCondition(check)}`;
  }
}

/**
 * One query for several row checks of one table (conditions from failingRowCondition): a row
 * `{failing_0, failing_1, ...}`, read in one pass over the table instead of one per check.
 */
export function rowChecksQuery(table: string, conditions: string[]): string {
  const counts = conditions.map(
    (condition, i) => `CAST(count(*) FILTER (WHERE ${condition}) AS BIGINT) AS failing_${i}`,
  );
  return `SELECT ${counts.join(', ')} FROM ${table}`;
}
