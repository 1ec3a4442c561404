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
