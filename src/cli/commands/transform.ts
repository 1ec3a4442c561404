import type { Command } from 'commander';
import type { ModelBuildResult } from '../../warehouse/runner.js';
import { commandContext } from '../context.js';

/** What a build did to one model, for the progress line: kept, appended, which days or years. */
function howBuilt(built: ModelBuildResult): string {
  if (built.reused) return '  unchanged';
  if (built.added !== undefined && built.added !== built.rows)
    return `  +${built.added.toLocaleString('en-US')} rows`;
  if (built.days !== undefined) return `  rebuilt ${built.days.from}..${built.days.to}`;
  if (built.partitions !== undefined && built.partitions.length > 0) {
    const years = built.partitions.filter((p) => p !== 'undated');
    const shown = years.length > 4 ? `${years[0]}..${years.at(-1)}` : years.join(', ');
    return `  rebuilt ${shown || 'undated rows'}`;
  }
  return '';
}

export function registerTransform(program: Command): void {
  program
    .command('transform')
    .description('build the bronze, silver and gold tables from the lake')
    .option(
      '--full-refresh',
      'rebuild every table from every raw file (by default a build redoes only what new data changed)',
    )
    .action(async (options: { fullRefresh?: boolean }, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { transform } = await import('../../pipeline/transform.js');
      const lake = openLake(config.settings);
      // Models build side by side: lines come as each finishes, numbered in that order.
      let finished = 0;
      const result = await transform({
        config,
        lake,
        fullRefresh: options.fullRefresh ?? false,
        onProgress: ({ phase, model, total, result: built }) => {
          if (phase === 'done' && built) {
            finished += 1;
            const rows =
              built.rows === null
                ? built.materialized
                : `${built.rows.toLocaleString('en-US')} rows`;
            out.log(
              `[${finished}/${total}] ${model.id.padEnd(32)} ${rows.padStart(14)}  ${built.seconds.toFixed(2)} s${howBuilt(built)}`,
            );
          }
        },
        onSync: ({ action, path, bytes }) =>
          out.log(`${action.padEnd(7)} ${path} (${(bytes / 1024).toFixed(1)} KiB)`),
      });
      if (out.json) {
        out.printJson(result);
      } else if (result.models.length === 0) {
        out.print(`No models in ${config.settings.modelsDir}: nothing to build.`);
      } else {
        out.print(
          `Built ${result.models.length} models (load ${result.load_id}). Next: wrapped check`,
        );
        if (result.sync)
          out.print(
            `Lake ${lake.location}: pulled ${result.sync.pulled.files} files, pushed ${result.sync.pushed.files} (manifests last).`,
          );
      }
    });
}
