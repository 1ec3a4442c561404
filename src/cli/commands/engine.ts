import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { GlobalFlags } from '../context.js';
import { createOutput } from '../output.js';

/**
 * `wrapped engine setup spark`: the one command that makes the Spark engine usable here (a
 * pinned pyspark in a virtual environment the product owns; src/warehouse/engines/spark/install.ts).
 * DuckDB needs no setup; Databricks is reached over the network (README, "Engines").
 */
export function registerEngine(program: Command): void {
  const engine = program
    .command('engine')
    .description('set up the SQL engines builds can run on (duckdb needs nothing)');
  engine
    .command('setup')
    .description(
      'install what an engine needs: `spark` puts a pinned pyspark in a virtual environment (about 500 MB from PyPI)',
    )
    .argument('<engine>', 'spark')
    .action(async (name: string, _options, command: Command) => {
      const out = createOutput({ json: Boolean(command.optsWithGlobals<GlobalFlags>().json) });
      if (name !== 'spark')
        throw new UsageError(
          name === 'duckdb'
            ? 'DuckDB is embedded: it needs no setup.'
            : name === 'databricks'
              ? 'Databricks needs no local setup: it is reached with DATABRICKS_HOST, DATABRICKS_HTTP_PATH and DATABRICKS_TOKEN.'
              : `Unknown engine ${name}: the engines are duckdb, spark and databricks.`,
          name === 'duckdb' || name === 'databricks'
            ? {}
            : { hint: 'Run: wrapped engine setup spark' },
        );
      const { setupSpark } = await import('../../warehouse/engines/spark/install.js');
      const report = await setupSpark({ onLine: (line) => out.log(`  ${line}`) });
      if (out.json) {
        out.printJson(report);
        return;
      }
      out.print(
        `${report.installed ? 'Installed' : 'Already set up:'} pyspark ${report.pyspark} in ${report.venv} (Java ${report.java}, Python ${report.python}).`,
      );
      out.print('Next: wrapped transform --engine spark');
    });
}
