import type { Lake } from '../lake/lake.js';
import {
  attachPublishedTables,
  LakeMirror,
  publishedManifests,
  type Row,
  Warehouse,
} from '../warehouse/index.js';

/**
 * The dashboard's view of the warehouse: its own in-memory DuckDB over the Parquet tables the
 * lake publishes, so it never holds the warehouse file that `wrapped run` writes. When a build
 * publishes new manifests, the tables are re-read (checked at most once a second). Queries run
 * on a few connections to the same database, so one page's questions are answered in parallel.
 * Over a remote lake the manifests are checked there (every 15 s) and the Parquet files are
 * read from HOME's local copy, pulled when a manifest changes.
 */
export class ServedTables {
  private signature = '';
  private manifests: string[] = [];
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  /** Reader connections, each with its own queue; queries go round-robin. */
  private readers: Array<{ warehouse: Warehouse; queue: Promise<unknown> }> = [];
  private next = 0;
  tables: string[] = [];
  /** Goes up whenever the tables were re-read: what is cached from them is stale. */
  version = 0;

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly lake: Lake,
    private readonly mirror: LakeMirror | undefined,
  ) {}

  static async open(
    lake: Lake,
    options: { home: string; timezone: string; readers?: number },
  ): Promise<ServedTables> {
    const { timezone, readers = 3 } = options;
    const served = new ServedTables(
      await Warehouse.open({ file: ':memory:', timezone }),
      lake,
      LakeMirror.forLake(options.home, lake),
    );
    for (let i = 0; i < readers; i++)
      served.readers.push({ warehouse: await served.warehouse.fork(), queue: Promise.resolve() });
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
  async query(sql: string, params: Array<string | number | null> = []): Promise<Row[]> {
    await this.fresh(false);
    const reader = this.readers[this.next++ % this.readers.length] ?? {
      warehouse: this.warehouse,
      queue: Promise.resolve(),
    };
    const run = reader.queue.then(async () => {
      try {
        return (await reader.warehouse.query(sql, params)).rows;
      } catch (error) {
        // A build replaced the files between the check and the query: look again, once.
        if (!/No files found|does not exist|Could not open/i.test((error as Error).message))
          throw error;
        await this.fresh(true);
        return (await reader.warehouse.query(sql, params)).rows;
      }
    });
    reader.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const reader of this.readers) reader.warehouse.close();
    this.warehouse.close();
  }

  /** One refresh at a time; everyone else waits for it. */
  private async fresh(force: boolean): Promise<void> {
    if (!this.refreshing)
      this.refreshing = this.refresh(force).finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && Date.now() - this.checkedAt < (this.mirror ? 15_000 : 1000)) return;
    this.checkedAt = Date.now();
    // Cheap check first: the manifests seen last time, each listed on its own (a build
    // rewrites every manifest, so a new table never appears without one of these changing).
    if (!force && this.signature && (await this.signatureOf(this.manifests)) === this.signature)
      return;
    const manifests = await publishedManifests(this.lake);
    const signature = await this.signatureOf(manifests);
    if (!force && signature === this.signature) return;
    this.manifests = manifests;
    this.signature = signature;
    this.version++;
    // Gold is small and read on every page: copied into memory, so no query re-reads Parquet;
    // so are the catalogue dimensions the top lists take their pictures from.
    // The play log gets a slim copy with one lower-case text to search, newest first.
    if (this.mirror) await this.mirror.pullPublished();
    this.tables = await attachPublishedTables(this.warehouse, this.mirror?.local ?? this.lake, {
      copy: (table) =>
        table.startsWith('gold.') || /^silver\.dim_(track|artist|album)$/.test(table),
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
