import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerPowerBi(program: Command): void {
  program
    .command('powerbi')
    .description('write a Power BI Project (TMDL semantic model + starter report) over gold')
    .requiredOption('--out <dir>', 'the folder to write it in (replaced if it exists)')
    .addHelpText(
      'after',
      '\nThe model imports the lake (a local folder or ADLS Gen2) through its manifests.\nNot opened in Power BI Desktop where this product is developed.',
    )
    .action(async (options: { out: string }, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { writePowerBiProject, powerBiLakeRoot } = await import('../../powerbi/write.js');
      const lake = openLake(config.settings);
      const account = config.settings.azureAccount;
      const files = await writePowerBiProject(lake, options.out, account);
      if (out.json)
        out.printJson({ out: options.out, lake_root: powerBiLakeRoot(lake, account), files });
      else
        out.print(
          `Wrote a Power BI Project to ${options.out} (${files.length} files): open wrapped-me.pbip in Power BI Desktop.`,
        );
    });
}
