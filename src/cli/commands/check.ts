import type { Command } from 'commander';
import { ChecksFailedError } from '../../errors.js';
import { commandContext } from '../context.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('run the data checks declared by the models (exit 3 if any fails)')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { loadModels, openWarehouse, runChecks } = await import('../../warehouse/index.js');
      const models = loadModels(config.settings.modelsDir);
      const warehouse = await openWarehouse(config, openLake(config.settings));
      let results: Awaited<ReturnType<typeof runChecks>>;
      try {
        results = await runChecks(warehouse, models);
      } finally {
        warehouse.close();
      }
      const failed = results.filter((r) => !r.passed);
      if (out.json) {
        out.printJson({
          passed: results.length - failed.length,
          failed: failed.length,
          checks: results,
        });
      } else {
        for (const r of results) {
          const mark = r.passed ? out.color.green('✓') : out.color.red('✗');
          const detail =
            r.error ?? (r.passed ? '' : `${r.failing} row${r.failing === 1 ? '' : 's'} fail`);
          out.print(`${mark} ${r.model.padEnd(28)} ${r.check}${detail ? `  ${detail}` : ''}`);
        }
        out.print(`${results.length - failed.length} of ${results.length} checks passed.`);
      }
      if (failed.length > 0) {
        const first = failed[0];
        throw new ChecksFailedError(
          `${failed.length} data check${failed.length === 1 ? '' : 's'} failed` +
            (first
              ? `, first: ${first.model} ${first.check} (${first.error ?? `${first.failing} rows fail`})`
              : ''),
          {
            hint: 'Look at the failing rows with `wrapped query`, fix the model or its input, then run `wrapped transform`.',
            resultPrinted: out.json,
          },
        );
      }
    });
}
