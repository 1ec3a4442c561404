import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { secretsContext } from '../context.js';

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('pull what is due from the Spotify API and land it unchanged in the raw lake')
    .option(
      '--source <names>',
      'only these sources, comma-separated (profile, recently_played, top, saved_tracks, playlists, followed_artists, catalog)',
    )
    .option('--force', 'run the chosen sources even if they are not due')
    .option('--listener <name>', 'whose login to pull with (default: me)')
    .action(
      async (
        options: { source?: string; force?: boolean; listener?: string },
        command: Command,
      ) => {
        const { config, out } = await secretsContext(command);
        const { SOURCE_NAMES, runExtract } = await import('../../extract/extract.js');
        const only = options.source
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = only?.filter((s) => !SOURCE_NAMES.includes(s)) ?? [];
        if (unknown.length > 0)
          throw new UsageError(
            `Unknown source ${unknown.join(', ')}. Sources: ${SOURCE_NAMES.join(', ')}.`,
          );
        const { openLake } = await import('../../lake/open.js');
        const { spotifyClient } = await import('../../spotify/login.js');
        const { openStateStores } = await import('../../state/stores.js');
        const { resolveListener } = await import('../../listeners/registry.js');
        const lake = openLake(config.settings);
        const listener = await resolveListener(lake, options.listener);
        const client = spotifyClient(config, {}, listener);
        const report = await runExtract({
          listener,
          lake,
          client,
          blocks: openStateStores(config, lake).blocks,
          now: config.settings.now ? new Date(config.settings.now) : undefined,
          only,
          force: options.force,
        });
        if (out.json) out.printJson(report);
        else {
          for (const s of report.sources) {
            const mark =
              s.status === 'ok'
                ? out.color.green('ok     ')
                : s.status === 'failed'
                  ? out.color.red('FAILED ')
                  : out.color.dim('skipped');
            const detail =
              s.status === 'ok'
                ? `${s.files} file${s.files === 1 ? '' : 's'} ${JSON.stringify(s.counts)}`
                : s.status === 'failed'
                  ? s.error?.message
                  : s.reason;
            out.print(`${mark} ${s.source.padEnd(17)} ${detail ?? ''}`);
            for (const note of s.notes ?? []) out.print(`        ${out.color.dim(note)}`);
            for (const gap of s.gaps ?? [])
              out.print(
                `        ${out.color.yellow(`gap: plays between ${gap.from} and ${gap.to} could not be seen`)}`,
              );
          }
          out.print(
            `${report.requests} API request${report.requests === 1 ? '' : 's'}.${report.blocked_until ? ` Spotify asked to wait until ${report.blocked_until}.` : ''}`,
          );
        }
        process.exitCode = report.ok ? 0 : 1;
      },
    );
}
