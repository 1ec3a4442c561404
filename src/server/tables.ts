import type { Lake } from '../lake/lake.js';
import { attachPublishedTables, type Row, Warehouse } from '../warehouse/index.js';

/**
 * The dashboard's view of the warehouse: its own in-memory DuckDB over the Parquet tables the
 * lake publishes, so it never holds the warehouse file that `wrapped run` writes. When a build
 * publishes new manifests, the views are re-pointed (checked at most once a second). Queries
 * run one at a time on the one connection.
 */
export class ServedTables {
  private signature = '';
  private manifests: string[] = [];
  private checkedAt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  tables: string[] = [];
  /** Goes up whenever the tables were re-read: what is cached from them is stale. */
  version = 0;

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly lake: Lake,
  ) {}

  static async open(lake: Lake, timezone: string): Promise<ServedTables> {
    const served = new ServedTables(await Warehouse.open({ file: ':memory:', timezone }), lake);
    await served.refresh(true);
    return served;
  }

  get timezone(): string {
    return this.warehouse.timezone;
  }

  has(table: string): boolean {
    return this.tables.includes(table);
  }

  /** Runs a parameterised query; user text only ever travels in `params`. */
  query(sql: string, params: Array<string | number | null> = []): Promise<Row[]> {
    const run = this.queue.then(async () => {
      await this.refresh(false);
      try {
        return (await this.warehouse.query(sql, params)).rows;
      } catch (error) {
        // A build replaced the files between the check and the query: look again, once.
        if (!/No files found|does not exist|Could not open/i.test((error as Error).message))
          throw error;
        await this.refresh(true);
        return (await this.warehouse.query(sql, params)).rows;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.warehouse.close();
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && Date.now() - this.checkedAt < 1000) return;
    this.checkedAt = Date.now();
    // Cheap check first: the manifests seen last time, each listed on its own (a build
    // rewrites every manifest, so a new table never appears without one of these changing).
    if (!force && this.signature && (await this.signatureOf(this.manifests)) === this.signature)
      return;
    const manifests: string[] = [];
    for (const layer of ['bronze/', 'silver/', 'gold/'])
      for await (const entry of this.lake.list(layer))
        if (entry.path.endsWith('/_manifest.json')) manifests.push(entry.path);
    const signature = await this.signatureOf(manifests);
    if (!force && signature === this.signature) return;
    this.manifests = manifests;
    this.signature = signature;
    this.version++;
    // Gold is small and read on every page: copied into memory, so no query re-reads Parquet.
    // The play log gets a slim copy with one lower-case text to search, newest first.
    this.tables = await attachPublishedTables(this.warehouse, this.lake, {
      copy: (table) => table.startsWith('gold.'),
    });
    if (this.tables.includes('silver.fct_play'))
      await this.warehouse.run(`CREATE OR REPLACE TABLE main.play_log AS
        SELECT play_id, ended_at, content_type,
          coalesce(track_name, episode_name) AS title, coalesce(artist_name, show_name) AS artist,
          album_name, ms_played, ms_played_estimated, counts_as_play, source,
          lower(concat_ws(' ', track_name, artist_name, album_name, show_name, episode_name)) AS search_text
        FROM silver.fct_play ORDER BY ended_at DESC, play_id`);
  }

  private async signatureOf(manifests: string[]): Promise<string> {
    const parts: string[] = [];
    for (const path of manifests) {
      let seen = false;
      for await (const entry of this.lake.list(path))
        if (entry.path === path) {
          parts.push(`${path}@${entry.modifiedAt.getTime()}`);
          seen = true;
        }
      if (!seen) parts.push(`${path}@gone`);
    }
    return parts.join('|');
  }
}
