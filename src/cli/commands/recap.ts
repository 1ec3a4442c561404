import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';
import { printRecap } from '../recap-view.js';

export function registerRecap(program: Command): void {
  program
    .command('recap')
    .description('your Wrapped for a year or any span of days, from the warehouse')
    .option('--year <yyyy>', 'the year (default: the latest year with plays)')
    .option('--from <date>', 'first day (YYYY-MM-DD, your time zone); with --to')
    .option('--to <date>', 'last day, included')
    .option('--by <measure>', 'rank the top lists by plays or minutes (default: WRAPPED_RANK_BY)')
    .option('--listener <name>', 'whose recap (default: me)')
    .action(
      async (
        options: { year?: string; from?: string; to?: string; listener?: string },
        command: Command,
      ) => {
        const { config, out } = commandContext(command);
        if (options.year !== undefined && !/^\d{4}$/.test(options.year))
          throw new UsageError(
            `--year must be a year such as 2025, not ${JSON.stringify(options.year)}.`,
          );
        const span = options.from !== undefined || options.to !== undefined;
        if (span && (options.from === undefined || options.to === undefined))
          throw new UsageError('--from and --to go together: give both days.');
        if (span && options.year !== undefined)
          throw new UsageError('Give either --year or --from/--to, not both.');
        const { openLake } = await import('../../lake/open.js');
        const { openWarehouse, WarehouseError } = await import('../../warehouse/index.js');
        const { rangeRecap, recapYears, warehouseSource, yearRecap } = await import(
          '../../pipeline/recap.js'
        );
        const { resolveListener } = await import('../../listeners/registry.js');
        // One listener's recap: their rows only (src/listeners).
        const lake = openLake(config.settings);
        const warehouse = await openWarehouse(config, lake, {
          listener: await resolveListener(lake, options.listener),
        });
        try {
          let recap: Awaited<ReturnType<typeof yearRecap>>;
          if (span) {
            recap = await rangeRecap(
              warehouseSource(warehouse),
              options.from as string,
              options.to as string,
              config.settings.rankBy,
            );
          } else {
            const years = await recapYears(warehouse);
            const year = options.year ?? years.at(-1);
            recap = year ? await yearRecap(warehouse, year, config.settings.rankBy) : undefined;
            if (!recap || !year || recap.plays === 0)
              throw new WarehouseError(year ? `No plays in ${year}.` : 'No plays yet.', {
                hint: years.length
                  ? `Years with plays: ${years.join(', ')}.`
                  : 'Import your export or run an extract first.',
              });
          }
          if (out.json) {
            const { year: row, ...rest } = recap;
            out.printJson({ ...row, ...rest });
          } else printRecap(out, recap);
        } finally {
          warehouse.close();
        }
      },
    );
}
