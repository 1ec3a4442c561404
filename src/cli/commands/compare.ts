import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'two listeners of this lake side by side: shared artists and songs, affinity, who found whom first, clocks',
    )
    .argument('<a>', 'a listener (`wrapped listener list`)')
    .argument('<b>', 'another listener')
    .option('--year <yyyy>', 'one year (default: all time)')
    .option('--limit <n>', 'how many shared artists and songs to list', '10')
    .action(
      async (a: string, b: string, options: { year?: string; limit: string }, command: Command) => {
        const { config, out } = commandContext(command);
        if (options.year !== undefined && !/^\d{4}$/.test(options.year))
          throw new UsageError(
            `--year must be a year such as 2025, not ${JSON.stringify(options.year)}.`,
          );
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new UsageError(
            `--limit must be a whole number from 1 to 1000, not ${options.limit}.`,
          );
        const { openLake } = await import('../../lake/open.js');
        const { resolveListener } = await import('../../listeners/registry.js');
        const lake = openLake(config.settings);
        const [first, second] = [await resolveListener(lake, a), await resolveListener(lake, b)];
        if (first === second)
          throw new UsageError(`Compare two different listeners (both are ${first}).`);
        const { openWarehouse } = await import('../../warehouse/index.js');
        const { compareListeners } = await import('../../household/compare.js');
        const warehouse = await openWarehouse(config, lake);
        let result: Awaited<ReturnType<typeof compareListeners>>;
        try {
          result = await compareListeners(
            async (sql, params) => (await warehouse.query(sql, params)).rows,
            first,
            second,
            { period: options.year ?? 'all', limit },
          );
        } catch (error) {
          if (/does not exist/.test((error as Error).message))
            throw new UsageError(
              'There is nothing to compare yet: the gold tables are not built.',
              {
                hint: 'Import or pull some listening, then `wrapped transform`.',
              },
            );
          throw error;
        } finally {
          warehouse.close();
        }
        if (out.json) {
          out.printJson(result);
          return;
        }
        const { escapeControlCharacters: clean } = await import('../../text.js');
        const when = result.period === 'all' ? 'all time' : result.period;
        out.print(`${first} and ${second}, ${when}`);
        out.print(
          `Affinity ${Math.round(result.affinity * 100)}%: how much of their listening time they give the same artists (each one's share per artist, overlapped).`,
        );
        for (const s of [result.a, result.b])
          out.print(
            `  ${s.listener.padEnd(12)} ${s.minutes.toLocaleString('en-US')} min, ${s.plays} plays, ${s.artists} artists${s.peak_hour === null ? '' : `, most at ${String(s.peak_hour).padStart(2, '0')}:00`}`,
          );
        if (result.a.plays === 0 || result.b.plays === 0)
          out.print(
            `  ${result.a.plays === 0 ? first : second} has no plays in ${when}: nothing to share.`,
          );
        out.print(`\nArtists you share: ${result.shared_artist_count}`);
        for (const r of result.shared_artists)
          out.print(
            `  ${clean(r.artist_name).padEnd(28)} ${first} ${r.a.plays} plays, ${second} ${r.b.plays} plays; found first: ${r.found_first}`,
          );
        out.print(`\nSongs you share: ${result.shared_track_count}`);
        for (const r of result.shared_tracks)
          out.print(
            `  ${clean(`${r.track_name}${r.artist_name ? ` (${r.artist_name})` : ''}`).padEnd(40)} ${first} ${r.a.plays}, ${second} ${r.b.plays} plays`,
          );
        out.print(`\nListening clock, minutes per hour of the day (${first} / ${second}):`);
        const widest = Math.max(1, ...result.clock.a, ...result.clock.b);
        const bar = (v: number) => '█'.repeat(Math.round((v / widest) * 20));
        for (let h = 0; h < 24; h++) {
          const [x, y] = [result.clock.a[h] ?? 0, result.clock.b[h] ?? 0];
          if (x === 0 && y === 0) continue;
          out.print(
            `  ${String(h).padStart(2, '0')}  ${bar(x).padEnd(20)} ${String(Math.round(x)).padStart(5)} | ${String(Math.round(y)).padEnd(5)} ${bar(y)}`,
          );
        }
      },
    );
}
