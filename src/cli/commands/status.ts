import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'the login, what each source last pulled, gaps in coverage, rate-limit blocks, lake size',
    )
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { collectStatus } = await import('../../pipeline/status.js');
      const lake = openLake(config.settings);
      const now = config.settings.now ? new Date(config.settings.now) : new Date();
      const status = await collectStatus(config, lake, now);
      const { runs, incidents, scheduler, sources } = status;
      const { files, bytes } = status.lake;
      if (out.json) {
        out.printJson(status);
        return;
      }
      out.print(
        status.login
          ? `Login       ${status.login.display_name ?? '?'} (${status.login.account_id ?? '?'}), ${status.login.days_left} days left`
          : 'Login       none: run `wrapped auth login`',
      );
      for (const l of status.household)
        out.print(
          `Listener    ${l.listener}: ${
            l.login_days_left === null
              ? `no login (\`wrapped listener add ${l.listener}\`)`
              : `${l.display_name ?? '?'}, ${l.login_days_left} days left`
          }; newest play ${l.newest_play_landed ?? 'none landed yet'}`,
        );
      if (status.blocked_until)
        out.print(`Blocked     Spotify asked to wait until ${status.blocked_until}`);
      out.print(`Newest play ${status.newest_play_landed ?? 'none landed yet'}`);
      out.print(`Last good   ${status.last_successful_run ?? 'no successful `wrapped run` yet'}`);
      out.print(
        scheduler === null
          ? 'Scheduler   not running (`wrapped schedule`, or cron/systemd running `wrapped run`)'
          : scheduler.alive
            ? `Scheduler   running: pid ${scheduler.pid} on ${scheduler.host}, since ${scheduler.since}`
            : out.color.yellow(
                `Scheduler   its lock (pid ${scheduler.pid} on ${scheduler.host}) belongs to a process that is gone; the next \`wrapped schedule\` takes over`,
              ),
      );
      for (const r of runs)
        out.print(`  run ${r.run_id} at ${r.at}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
      for (const i of incidents)
        out.print(out.color.red(`Incident    ${i.kind} since ${i.opened_at}: ${i.summary}`));
      for (const s of sources)
        out.print(`  ${s.source.padEnd(17)} last pulled ${s.last_success_at ?? 'never'}`);
      if (status.gaps.length === 0) out.print('Gaps        none recorded');
      for (const gap of status.gaps)
        out.print(out.color.yellow(`Gap         ${gap.from} -> ${gap.to}: ${gap.reason}`));
      out.print(
        `Lake        ${status.lake.location}: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB`,
      );
    });
}
