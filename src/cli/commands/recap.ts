import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';

export function registerRecap(program: Command): void {
  program
    .command('recap')
    .description('your Wrapped for a year, from the gold tables (run `wrapped transform` first)')
    .option('--year <yyyy>', 'the year (default: the latest year with plays)')
    .action(async (options: { year?: string }, command: Command) => {
      const { config, out } = commandContext(command);
      if (options.year !== undefined && !/^\d{4}$/.test(options.year))
        throw new UsageError(
          `--year must be a year such as 2025, not ${JSON.stringify(options.year)}.`,
        );
      const { openLake } = await import('../../lake/open.js');
      const { openWarehouse, WarehouseError } = await import('../../warehouse/index.js');
      const warehouse = await openWarehouse(config, openLake(config.settings.lake));
      try {
        let years: Awaited<ReturnType<typeof warehouse.query>>;
        try {
          years = await warehouse.query(
            'SELECT * FROM gold.wrapped_year WHERE plays > 0 ORDER BY year',
          );
        } catch {
          throw new WarehouseError('There is no recap yet: the gold tables are not built.', {
            hint: 'Import your export or run an extract, then `wrapped transform`.',
          });
        }
        const year = options.year ?? (years.rows.at(-1)?.year as string | undefined);
        const row = years.rows.find((r) => r.year === year);
        if (!row || !year) {
          throw new WarehouseError(year ? `No plays in ${year}.` : 'No plays yet.', {
            hint: years.rows.length
              ? `Years with plays: ${years.rows.map((r) => r.year).join(', ')}.`
              : 'Import your export or run an extract first.',
          });
        }
        const artists = await warehouse.query(
          "SELECT artist_name, plays, minutes FROM gold.agg_top_artists WHERE period_type = 'year' AND period = ? AND rank <= 5 ORDER BY rank",
          [year],
        );
        const tracks = await warehouse.query(
          "SELECT track_name, artist_name, plays, minutes FROM gold.agg_top_tracks WHERE period_type = 'year' AND period = ? AND rank <= 5 ORDER BY rank",
          [year],
        );
        const albums = await warehouse.query(
          "SELECT album_name, artist_name, plays, minutes FROM gold.agg_top_albums WHERE period_type = 'year' AND period = ? AND rank <= 5 ORDER BY rank",
          [year],
        );
        const recap = {
          ...row,
          top_artists: artists.rows,
          top_tracks: tracks.rows,
          top_albums: albums.rows,
        };
        if (out.json) {
          out.printJson(recap);
          return;
        }
        const n = (v: unknown) => Number(v ?? 0).toLocaleString('en-US');
        out.print(out.color.bold(`Your ${year} in music`));
        out.print(
          `  ${n(Math.round(Number(row.minutes)))} minutes listened${row.has_estimated_minutes ? ' (some estimated from the API)' : ''}, ${n(row.plays)} plays`,
        );
        out.print(
          `  ${n(row.unique_tracks)} different songs by ${n(row.unique_artists)} artists; ${n(Math.round(Number(row.podcast_minutes)))} minutes of podcasts`,
        );
        const hour = (h: unknown) => `${String(h).padStart(2, '0')}:00`;
        out.print(
          `  Peak hour ${hour(row.peak_hour)}; biggest day ${row.most_played_day} (${n(Math.round(Number(row.most_played_day_minutes)))} min); longest streak ${n(row.longest_streak_days)} days; ${n(row.new_artists)} new artists`,
        );
        out.print('\n  Top artists');
        for (const [i, a] of artists.rows.entries()) {
          out.print(`    ${i + 1}. ${a.artist_name}  ${out.color.dim(`${n(a.plays)} plays`)}`);
        }
        out.print('\n  Top songs');
        for (const [i, t] of tracks.rows.entries()) {
          out.print(
            `    ${i + 1}. ${t.track_name} - ${t.artist_name ?? '?'}  ${out.color.dim(`${n(t.plays)} plays`)}`,
          );
        }
        if (albums.rows.length > 0) out.print('\n  Top albums');
        for (const [i, a] of albums.rows.entries()) {
          out.print(
            `    ${i + 1}. ${a.album_name} - ${a.artist_name ?? '?'}  ${out.color.dim(`${n(a.plays)} plays`)}`,
          );
        }
      } finally {
        warehouse.close();
      }
    });
}
