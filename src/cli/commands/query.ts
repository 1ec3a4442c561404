import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run SQL against the warehouse (bronze.*, silver.*, gold.*)')
    .argument('<sql>', 'the SQL to run, quoted')
    .option('--csv', 'print CSV')
    .addHelpText(
      'after',
      '\nExamples:\n  wrapped query "select 42 as answer" --json\n  wrapped query "select * from gold.agg_top_artists limit 10"',
    )
    .action(async (sql: string, options: { csv?: boolean }, command: Command) => {
      const { config, out } = commandContext(command);
      if (out.json && options.csv) throw new UsageError('Choose one of --json and --csv.');
      const { openLake } = await import('../../lake/open.js');
      const { openWarehouse, WarehouseError } = await import('../../warehouse/index.js');
      const { renderCsv, renderTable } = await import('../output.js');
      const warehouse = await openWarehouse(config, openLake(config.settings));
      try {
        let result: Awaited<ReturnType<typeof warehouse.query>>;
        try {
          result = await warehouse.query(sql);
        } catch (error) {
          throw new WarehouseError(`Query failed: ${(error as Error).message}`, {
            hint: 'List the tables with: wrapped query "select schema_name, view_name from duckdb_views() where not internal"',
          });
        }
        const columns = result.columns.map((c) => c.name);
        if (out.json) out.printJson(result.rows);
        else if (options.csv) out.print(renderCsv(columns, result.rows));
        else out.print(renderTable(columns, result.rows));
      } finally {
        warehouse.close();
      }
    });
}
