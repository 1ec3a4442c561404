import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';

const FORMATS = ['csv', 'parquet', 'json'] as const;

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a table to a file for Power BI, Excel or pandas (CSV, Parquet or JSON)')
    .argument('<table>', 'a table such as gold.wrapped_year or silver.fct_play')
    .requiredOption('--out <path>', 'the file to write (replaced atomically)')
    .option('--format <format>', 'csv, parquet or json (default: from the file name, else csv)')
    .addHelpText(
      'after',
      '\nPower BI and Excel read the CSV directly; Power BI also reads the Parquet files under <lake>/gold/ as they are.',
    )
    .action(async (table: string, options: { out: string; format?: string }, command: Command) => {
      const { config, out } = commandContext(command);
      const format = (options.format ??
        /\.(csv|parquet|json)$/i.exec(options.out)?.[1]?.toLowerCase() ??
        'csv') as (typeof FORMATS)[number];
      if (!FORMATS.includes(format))
        throw new UsageError(
          `--format must be csv, parquet or json, not ${JSON.stringify(options.format)}.`,
        );
      const match = /^(bronze|silver|gold)\.([a-z][a-z0-9_]*)$/.exec(table);
      if (!match)
        throw new UsageError(
          `${JSON.stringify(table)} is not a table name such as gold.wrapped_year.`,
        );
      const { openLake } = await import('../../lake/open.js');
      const { openWarehouse, WarehouseError } = await import('../../warehouse/index.js');
      const { sqlString } = await import('../../warehouse/engine.js');
      const { rename, rm } = await import('node:fs/promises');
      const { resolve } = await import('node:path');
      const warehouse = await openWarehouse(config, openLake(config.settings));
      try {
        // The name is checked against the tables that exist: no user text reaches the SQL unchecked.
        const known = await warehouse.query(
          'SELECT 1 FROM duckdb_views() WHERE schema_name = ? AND view_name = ?',
          [match[1] as string, match[2] as string],
        );
        if (known.rows.length === 0) {
          throw new WarehouseError(`There is no table ${table}.`, {
            hint: 'Run `wrapped transform` first; `wrapped query "select schema_name, view_name from duckdb_views() where not internal"` lists the tables.',
          });
        }
        const target = resolve(options.out);
        const temp = `${target}.partial`;
        const copyOptions =
          format === 'csv'
            ? 'FORMAT csv, HEADER true'
            : format === 'json'
              ? 'FORMAT json, ARRAY true'
              : 'FORMAT parquet, COMPRESSION zstd';
        try {
          const relation = `${match[1]}."${match[2]}"`;
          // CSV: a text a spreadsheet would run as a formula gets a leading ' (OWASP).
          const select = format === 'csv' ? await csvSafeSelect(warehouse, relation) : '*';
          const result = await warehouse.query(
            `COPY (SELECT ${select} FROM ${relation}) TO ${sqlString(temp)} (${copyOptions})`,
          );
          await rename(temp, target);
          const rows = Number(result.rows[0]?.Count ?? 0);
          if (out.json) out.printJson({ table, format, out: target, rows });
          else
            out.print(
              `Wrote ${rows.toLocaleString('en-US')} rows of ${table} to ${target} (${format}).`,
            );
        } finally {
          await rm(temp, { force: true });
        }
      } finally {
        warehouse.close();
      }
    });
}

/** The columns of `relation`, with every text column guarded against formula injection. */
async function csvSafeSelect(
  warehouse: { query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }> },
  relation: string,
): Promise<string> {
  const { FORMULA_START } = await import('../../text.js');
  const { sqlString } = await import('../../warehouse/engine.js');
  const columns = (await warehouse.query(`DESCRIBE SELECT * FROM ${relation}`)).rows;
  return columns
    .map((c) => {
      const name = `"${String(c.column_name).replaceAll('"', '""')}"`;
      return c.column_type === 'VARCHAR'
        ? `CASE WHEN regexp_matches(${name}, ${sqlString(FORMULA_START.source)}) THEN concat(chr(39), ${name}) ELSE ${name} END AS ${name}`
        : name;
    })
    .join(', ');
}
