import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import your Spotify data export (my_spotify_data.zip, its folder, or JSON files), or a Last.fm or ListenBrainz history',
    )
    .argument(
      '<path...>',
      'zip files, folders or files: Spotify JSON, Last.fm CSV or JSON, ListenBrainz JSON lines',
    )
    .option('--dry-run', 'check and report everything, land nothing')
    .option('--listener <name>', "whose history this is (default: me; see the lake's listeners)")
    .option(
      '--skip-bad',
      "land the good records and files; keep the bad ones, with reasons, in the lake's _quarantine/",
    )
    .addHelpText(
      'after',
      '\nNo Spotify API call is made: the export carries names, URIs and real play time.\n' +
        'Files with personal details (Userdata, Payments, ...) are never landed.\n' +
        'One bad record anywhere and nothing lands (exit 1), unless --skip-bad is given.\n' +
        'Last.fm scrobbles and ListenBrainz listens become plays of their own only where no Spotify\n' +
        'play of the same song began within minutes of them (README, "Other histories").',
    )
    .action(
      async (
        paths: string[],
        options: { dryRun?: boolean; skipBad?: boolean; listener?: string },
        command: Command,
      ) => {
        const { config, out } = commandContext(command);
        const { openLake } = await import('../../lake/open.js');
        const { importExport } = await import('../../importer/importer.js');
        const { renderImportReport } = await import('../../importer/report.js');
        const { createProgressBar } = await import('../progress.js');
        const lake = openLake(config.settings);
        const { resolveListener } = await import('../../listeners/registry.js');
        const listener = await resolveListener(lake, options.listener);
        let done = 0;
        let records = 0;
        let current = '';
        let phase = 'checking';
        const bar = createProgressBar({ label: 'import', total: 0, unit: 'bytes' });
        const report = await importExport({
          lake,
          inputs: paths,
          dryRun: options.dryRun,
          skipBad: options.skipBad,
          listener,
          onProgress: (event) => {
            switch (event.type) {
              case 'input':
                done = 0;
                bar.setTotal(event.bytes);
                break;
              case 'file':
                current = event.path.split('/').pop() ?? event.path;
                phase = event.phase === 'check' ? 'checking' : 'importing';
                break;
              case 'bytes':
                done += event.bytes;
                break;
              case 'records':
                records += event.records;
                break;
              case 'done':
                break;
            }
            bar.update(done, `${records.toLocaleString('en-US')} records, ${phase} ${current}`);
          },
        });
        bar.finish();
        if (out.json) out.printJson(report);
        else out.print(renderImportReport(report, out.color));
        process.exitCode = report.ok ? 0 : 1;
      },
    );
}
