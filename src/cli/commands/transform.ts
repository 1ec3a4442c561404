import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerTransform(program: Command): void {
  program
    .command('transform')
    .description('build the bronze, silver and gold tables from the lake')
    .option(
      '--full-refresh',
      'read every raw file again (by default bronze reads only loads it has not read)',
    )
    .action(async (options: { fullRefresh?: boolean }, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { transform } = await import('../../pipeline/transform.js');
      const lake = openLake(config.settings);
      const result = await transform({
        config,
        lake,
        fullRefresh: options.fullRefresh ?? false,
        onProgress: ({ phase, model, index, total, result: built }) => {
          if (phase === 'done' && built) {
            const rows =
              built.rows === null ? 'view' : `${built.rows.toLocaleString('en-US')} rows`;
            const added =
              built.added === undefined || built.added === built.rows
                ? ''
                : ` (+${built.added.toLocaleString('en-US')})`;
            out.log(
              `[${index + 1}/${total}] ${model.id.padEnd(32)} ${rows.padStart(14)}${added}  ${built.seconds.toFixed(2)} s`,
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
