import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { createOutput } from '../output.js';
import { createProgressBar, type ProgressBar } from '../progress.js';
import { printRecap } from '../recap-view.js';
import { onShutdown } from '../shutdown.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole product on a simulated Spotify account: no account, cloud or network needed',
    )
    .option('--dir <path>', 'the demo folder (emptied at start)', join(tmpdir(), 'wrapped-me-demo'))
    .option('--days <n>', 'days of hourly runs to live through', '14')
    .option('--no-serve', 'end after the recap (for scripts and CI)')
    .addHelpText(
      'after',
      '\nIt never reads or touches your own settings, login or lake. Afterwards, explore with\n' +
        '  WRAPPED_HOME=<the demo folder> wrapped status | wrapped query "..." | wrapped recap',
    )
    .action(async (options: { dir: string; days: string; serve: boolean }, command: Command) => {
      const out = createOutput({
        json: Boolean(command.optsWithGlobals<{ json?: boolean }>().json),
      });
      const days = Number(options.days);
      if (!/^\d+$/.test(options.days) || days < 1 || days > 60)
        throw new UsageError(`--days must be a whole number from 1 to 60, not ${options.days}.`);
      const dir = resolve(options.dir);
      const { runDemo } = await import('../../demo/demo.js');
      // The demo's six steps, and the dashboard as a seventh when serving.
      const total = options.serve ? 7 : 6;
      let bar: ProgressBar | undefined;
      const result = await runDemo({
        dir,
        days,
        onResources: (close) => onShutdown(close),
        report: (event) => {
          switch (event.event) {
            case 'step':
              out.log(out.color.bold(`[${event.index}/${total}] ${event.title}`));
              if (event.index === 3)
                bar = createProgressBar({ label: '    hourly runs', total: 1 });
              break;
            case 'runs':
              bar?.setTotal(event.total);
              bar?.update(event.done, `${event.failed} failed`);
              break;
            case 'step_done':
              bar?.finish();
              bar = undefined;
              out.log(`    ${event.detail}`);
              break;
            case 'slack':
              bar?.finish();
              out.log(out.color.yellow(`    Slack stand-in received: ${event.text.slice(0, 300)}`));
              break;
          }
        },
      });
      if (out.json) {
        const { year, ...recap } = result.recap;
        out.printJson({ ...result, recap: { ...year, ...recap } });
      } else {
        out.print('');
        printRecap(out, result.recap);
        out.print('');
      }
      const explore = `WRAPPED_HOME=${result.home} npx wrapped`;
      const lastDay = result.to.slice(0, 10);
      const weekBefore = new Date(Date.parse(result.to) - 6 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      out.log(
        [
          'Explore it:',
          `  ${explore} status`,
          `  ${explore} query "select period, artist_name, plays from gold.agg_top_artists where period_type = 'month' and rank = 1"`,
          `  ${explore} recap --from ${weekBefore} --to ${lastDay}`,
        ].join('\n'),
      );
      if (!options.serve) return;
      // Step 7: the dashboard over the demo's lake, until Ctrl-C.
      const { loadConfig } = await import('../../config/load.js');
      const { FsLake } = await import('../../lake/drivers/fs.js');
      const { startServer } = await import('../../server/app.js');
      const config = loadConfig({ cwd: dir, env: { WRAPPED_HOME: dir } });
      const serve = (port: number) =>
        startServer({ config, lake: new FsLake(join(dir, 'lake')), host: '127.0.0.1', port });
      // 8787 when free; any free port otherwise.
      const server = await serve(8787).catch(() => serve(0));
      onShutdown(() => server.close());
      out.log(out.color.bold(`[7/7] The dashboard: ${server.url}  (Ctrl-C stops it)`));
      await new Promise(() => undefined);
    });
}
