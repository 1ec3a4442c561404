import type { ServedTables } from './tables.js';

/**
 * The years an extended streaming history would add: years in which the lake shows the
 * listener on Spotify, by a song they saved to Liked Songs then (Spotify's added_at) or by
 * Spotify's own Wrapped of that year (WrappedYYYY.json), that hold no play here. An API-only
 * lake knows its plays since the login; the songs saved before it say how far back the
 * account goes.
 *
 * Empty once an extended history is imported: it holds every year of the account, so a year
 * without plays in it had none. `yearsWithPlays` are the years gold counts plays in.
 */
export async function yearsAnExportWouldAdd(
  tables: ServedTables,
  yearsWithPlays: readonly string[],
  thisYear: number,
): Promise<string[]> {
  if (tables.has('silver.fct_play')) {
    const [extended] = await tables.query(
      "SELECT 1 AS found FROM silver.fct_play WHERE contains(source, 'export_extended') LIMIT 1",
    );
    if (extended) return [];
  }
  // Each source of evidence with its parameters: the saved days are the listener's local days.
  const evidence: Array<[string, string[]]> = [];
  if (tables.has('silver.fct_saved_track'))
    evidence.push([
      'SELECT min(year(timezone(?, added_at)))::INTEGER AS y FROM silver.fct_saved_track',
      [tables.timezone],
    ]);
  if (tables.has('silver.fct_spotify_wrapped'))
    evidence.push(['SELECT min(year)::INTEGER AS y FROM silver.fct_spotify_wrapped', []]);
  if (evidence.length === 0) return [];
  const [row] = await tables.query(
    `SELECT min(y) AS first_year FROM (${evidence.map(([sql]) => sql).join(' UNION ALL ')})`,
    evidence.flatMap(([, params]) => params),
  );
  if (row?.first_year === null || row?.first_year === undefined) return [];
  // Through the last year with plays (after it, the hourly run is what is missing), or this
  // year when nothing is played yet.
  const played = new Set(yearsWithPlays);
  const last = yearsWithPlays.length > 0 ? Math.max(...yearsWithPlays.map(Number)) : thisYear;
  const missing: string[] = [];
  for (let year = Number(row.first_year); year <= last; year++)
    if (!played.has(String(year))) missing.push(String(year));
  return missing;
}
