import type { Command } from 'commander';
import { commandContext } from '../context.js';

const DAY = 86_400_000;

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'the login, what each source last pulled, gaps in coverage, rate-limit blocks, lake size',
    )
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { SOURCE_NAMES } = await import('../../extract/extract.js');
      const { listGaps, readSourceState } = await import('../../extract/state.js');
      const { TokenStore, refreshTokenExpiry } = await import('../../spotify/token-store.js');
      const { BlockStore } = await import('../../spotify/block-store.js');
      const lake = openLake(config.settings.lake);
      const now = config.settings.now ? new Date(config.settings.now) : new Date();
      const tokens = await new TokenStore(config.settings.home).read().catch(() => undefined);
      const block = await new BlockStore(config.settings.home).current(now.getTime());
      const sources = [];
      for (const name of SOURCE_NAMES) {
        const state = await readSourceState(lake, name);
        sources.push({
          source: name,
          last_success_at: (state?.last_success_at as string | undefined) ?? null,
        });
      }
      const recent = await readSourceState(lake, 'recently_played');
      const { readIncidents } = await import('../../pipeline/incidents.js');
      const incidents = Object.values((await readIncidents(lake)).open);
      const runPaths: string[] = [];
      for await (const entry of lake.list('_state/runs/')) runPaths.push(entry.path);
      const runs = [];
      for (const path of runPaths.slice(-5).reverse()) {
        const r = JSON.parse((await lake.get(path)).toString('utf8')) as {
          run_id: string;
          now: string;
          status: string;
          error?: { stage: string; message: string };
        };
        runs.push({
          run_id: r.run_id,
          at: r.now,
          status: r.status,
          error: r.error ? `${r.error.stage}: ${r.error.message}` : null,
        });
      }
      let lastSuccess: string | null = null;
      for (const path of [...runPaths].reverse()) {
        const r = JSON.parse((await lake.get(path)).toString('utf8')) as {
          now: string;
          status: string;
        };
        if (r.status === 'ok') {
          lastSuccess = r.now;
          break;
        }
      }
      const { LakeLock, holderIsAlive } = await import('../../lake/lock.js');
      const holder = await new LakeLock(lake, { name: 'scheduler', command: '' }).read();
      const scheduler = holder
        ? {
            pid: holder.pid,
            host: holder.host,
            since: holder.since,
            heartbeat_at: holder.heartbeat_at,
            alive: holderIsAlive(holder, Date.now(), 5 * 60_000),
          }
        : null;
      let files = 0;
      let bytes = 0;
      for await (const entry of lake.list()) {
        files++;
        bytes += entry.size;
      }
      const status = {
        now: now.toISOString(),
        login: tokens
          ? {
              account_id: tokens.account_id,
              display_name: tokens.display_name,
              days_left: Math.floor(
                (refreshTokenExpiry(tokens.authorized_at).getTime() - now.getTime()) / DAY,
              ),
            }
          : null,
        blocked_until: block?.until ?? null,
        newest_play_landed: (recent?.newest_played_at as string | undefined) ?? null,
        last_successful_run: lastSuccess,
        scheduler,
        runs,
        incidents,
        sources,
        gaps: await listGaps(lake),
        lake: { location: lake.location, files, bytes },
      };
      if (out.json) {
        out.printJson(status);
        return;
      }
      out.print(
        status.login
          ? `Login       ${status.login.display_name ?? '?'} (${status.login.account_id ?? '?'}), ${status.login.days_left} days left`
          : 'Login       none: run `wrapped auth login`',
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
