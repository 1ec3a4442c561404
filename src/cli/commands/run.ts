import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors.js';
import { secretsContext } from '../context.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'one pipeline run: extract what is due, land it, transform, check; alerts on Slack',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 ok (a rate-limit skip is ok), 1 failed, 3 data checks failed.',
    )
    .option(
      '--wait <seconds>',
      'when another run holds the lake, wait this long for it (0: refuse at once)',
      '600',
    )
    .action(async (options: { wait: string }, command: Command) => {
      const { config, out } = await secretsContext(command);
      if (!/^\d+$/.test(options.wait))
        throw new UsageError(
          `--wait must be a number of seconds, not ${JSON.stringify(options.wait)}.`,
        );
      const { openLake } = await import('../../lake/open.js');
      const { runPipeline } = await import('../../pipeline/run.js');
      const record = await runPipeline({
        config,
        lake: openLake(config.settings),
        onStage: (stage) => out.log(`... ${stage}`),
        waitForLockMs: Number(options.wait) * 1000,
        onWait: (holder) =>
          out.log(
            `Waiting for the run already going on this lake (${holder.command}, pid ${holder.pid} on ${holder.host}) to finish...`,
          ),
      });
      if (record.waited_seconds !== undefined)
        out.log(`Waited ${record.waited_seconds} s for the other run; this one then ran.`);
      if (out.json) out.printJson(record);
      else {
        const e = record.stages.extract;
        if (e)
          out.print(
            `extract    ${e.status}: ${e.sources.filter((s) => s.status === 'ok').length} sources ran, ${e.requests} requests${e.blocked_until ? `, blocked until ${e.blocked_until}` : ''}${e.gaps.length ? `, ${e.gaps.length} gap(s)` : ''}`,
          );
        const t = record.stages.transform;
        if (t) out.print(`transform  ${t.status}: ${t.models} models`);
        const c = record.stages.check;
        if (c) out.print(`check      ${c.status}: ${c.passed} passed, ${c.failed} failed`);
        if (record.error)
          out.print(out.color.red(`FAILED at ${record.error.stage}: ${record.error.message}`));
        if (record.error?.hint) out.print(`  -> ${record.error.hint}`);
        if (record.notifications?.error)
          out.print(
            out.color.yellow(
              `Slack: ${record.notifications.error} (the message waits for the next run)`,
            ),
          );
        out.print(`Run ${record.run_id}: ${record.status}.`);
      }
      process.exitCode =
        record.status === 'ok'
          ? ExitCode.ok
          : record.status === 'checks_failed'
            ? ExitCode.checksFailed
            : ExitCode.failed;
    });
}
