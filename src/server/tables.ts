import { AsyncLocalStorage } from 'node:async_hooks';
import type { Lake } from '../lake/lake.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
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
/** A query failed because a build removed the Parquet files a view reads. */
const filesGone = (error: unknown) =>
  /No files found|does not exist|Could not open/i.test((error as Error).message);

export interface TrackNames {
  tracks: Map<number, { key: string; name: string }>;
  artists: Map<number, string>;
  albums: Map<number, { key: string; name: string }>;
}

export class ServedTables {
  private signature = '';
  private manifests: string[] = [];
  private checkedAt = 0;
  private listedAt = 0;
  private refreshing: Promise<void> | undefined;
  private checking: Promise<void> | undefined;
  /** Reader connections, each with its own queue; queries go round-robin. */
  private readers: Array<{ warehouse: Warehouse; queue: Promise<unknown> }> = [];
  private next = 0;
  tables: string[] = [];
  /** Goes up whenever the tables were re-read: what is cached from them is stale. */
  version = 0;
  /** The numbered tracks, artist names and albums of `main.track_days`, by number. */
  names: TrackNames = { tracks: new Map(), artists: new Map(), albums: new Map() };
  /** Pictures the catalogue dimensions know: `artist|<name>`, `track|<key>`, `album|<key>`. */
  pictures = new Map<string, string>();
  /** Snapshots (requests) reading now: a re-read waits until there are none. */
  private activeSnapshots = 0;
  private whenIdle: Array<() => void> = [];
  private readonly inSnapshot = new AsyncLocalStorage<true>();

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly lake: Lake,
    private readonly mirror: LakeMirror | undefined,
    /** Whose dashboard this is: the tables hold their rows only (src/listeners); null: all. */
    readonly listener: string | null,
  ) {}

  static async open(
    lake: Lake,
    options: {
      home: string;
      timezone: string;
      readers?: number;
      /** Whose rows (default `me`); null: every listener's, for the household page. */
      listener?: string | null;
    },
  ): Promise<ServedTables> {
    const { timezone, readers = 3 } = options;
    const listener = options.listener === undefined ? DEFAULT_LISTENER : options.listener;
    const served = new ServedTables(
      await Warehouse.open({ file: ':memory:', timezone }),
      lake,
      LakeMirror.forLake(options.home, lake),
      listener,
    );
    for (let i = 0; i < readers; i++)
      served.readers.push({ warehouse: await served.warehouse.fork(), queue: Promise.resolve() });
    await served.refresh(true);
    served.checkedAt = Date.now();
    return served;
  }

  get timezone(): string {
    return this.warehouse.timezone;
  }

  has(table: string): boolean {
    return this.tables.includes(table);
  }

  /**
   * Runs `work` (one request's queries) against one build: a new build found meanwhile is
   * re-read only after every running snapshot ended, and snapshots that start while it is
   * re-read wait for it. So no response mixes two builds. If a build removed files a view
   * reads before the snapshot began, the work is run once more on the new build.
   */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.fresh(false);
      this.activeSnapshots++;
      let retry = false;
      try {
        return await this.inSnapshot.run(true, work);
      } catch (error) {
        if (attempt > 1 || !filesGone(error)) throw error;
        retry = true;
      } finally {
        this.activeSnapshots--;
        if (this.activeSnapshots === 0) for (const wake of this.whenIdle.splice(0)) wake();
      }
      if (retry) await this.fresh(true);
    }
  }

  /** A whole query's rows a chunk at a time, on a connection of its own (for downloads). */
  async *stream(sql: string): AsyncGenerator<{ columns: string[]; rows: Row[] }> {
    if (!this.inSnapshot.getStore()) await this.fresh(false);
    const own = await this.warehouse.fork();
    try {
      yield* own.stream(sql);
    } finally {
      own.close();
    }
  }

  /** Runs a parameterised query; user text only ever travels in `params`. */
  async query(sql: string, params: Array<string | number | null> = []): Promise<Row[]> {
    const inSnapshot = this.inSnapshot.getStore() === true;
    if (!inSnapshot) await this.fresh(false);
    const reader = this.readers[this.next++ % this.readers.length] ?? {
      warehouse: this.warehouse,
      queue: Promise.resolve(),
    };
    const run = reader.queue.then(async () => {
      try {
        return (await reader.warehouse.query(sql, params)).rows;
      } catch (error) {
        // A build replaced the files between the check and the query: look again, once
        // (inside a snapshot, the snapshot runs its whole work again instead).
        if (inSnapshot || !filesGone(error)) throw error;
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

  /**
   * Queries wait while the tables are being re-read, never for the check that looks for a new
   * build: that runs beside them (at most once a second, every 15 s over a remote lake), and a
   * build it finds is shown to the queries that come after. `force` re-reads now.
   */
  private async fresh(force: boolean): Promise<void> {
    if (force) {
      await this.refresh(true);
      return;
    }
    if (this.refreshing) await this.refreshing;
    if (!this.checking && Date.now() - this.checkedAt >= (this.mirror ? 15_000 : 1000)) {
      this.checkedAt = Date.now();
      this.checking = this.refresh(false)
        .catch(() => undefined) // the next check tries again; queries read what is shown
        .finally(() => {
          this.checking = undefined;
        });
    }
  }

  /** One refresh at a time; everyone else waits for it. */
  private async exclusively(work: () => Promise<void>): Promise<void> {
    while (this.refreshing) await this.refreshing.catch(() => undefined);
    this.refreshing = work().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  /** Looks for a new build (or takes `force` as one) and re-reads the tables if there is one. */
  private async refresh(force: boolean): Promise<void> {
    // The manifests seen last time, each listed on its own, and every 30 s all of them: a
    // build rewrites only the tables it changed, and a new model adds a table.
    const full = force || Date.now() - this.listedAt >= 30_000;
    if (!full && (await this.signatureOf(this.manifests)) === this.signature) return;
    const manifests = await publishedManifests(this.lake);
    this.listedAt = Date.now();
    const signature = await this.signatureOf(manifests);
    if (!force && signature === this.signature) return;
    await this.exclusively(async () => {
      // Responses being made read the build they started on: wait for them to finish.
      while (this.activeSnapshots > 0)
        await new Promise<void>((resolve) => this.whenIdle.push(resolve));
      this.manifests = manifests;
      this.signature = signature;
      await this.reread();
    });
  }

  /** Re-reads every published table; queries wait for it. */
  private async reread(): Promise<void> {
    this.version++;
    // Gold is small and read on every page: copied into memory, so no query re-reads Parquet;
    // so are the catalogue dimensions the top lists take their pictures from.
    // The play log gets a slim copy with one lower-case text to search, newest first.
    if (this.mirror) await this.mirror.pullPublished();
    this.tables = await attachPublishedTables(this.warehouse, this.mirror?.local ?? this.lake, {
      copy: (table) =>
        table.startsWith('gold.') || /^silver\.dim_(track|artist|album)$/.test(table),
      listener: this.listener ?? undefined,
    });
    this.names = this.tables.includes('gold.agg_track_daily')
      ? await this.numberTrackDays()
      : { tracks: new Map(), artists: new Map(), albums: new Map() };
    this.pictures = await this.gatherPictures();
    if (this.tables.includes('silver.fct_play'))
      await this.warehouse.run(`CREATE OR REPLACE TABLE main.play_log AS
        SELECT play_id, ended_at, content_type,
          coalesce(track_name, episode_name) AS title, coalesce(artist_name, show_name) AS artist,
          album_name, track_key, album_key, ms_played, ms_played_estimated, counts_as_play, source,
          lower(concat_ws(' ', track_name, artist_name, album_name, show_name, episode_name)) AS search_text
        FROM silver.fct_play ORDER BY ended_at DESC, play_id`);
  }

  /**
   * gold.agg_track_daily with its tracks, artist names and albums numbered (in key order, so
   * ordering by number is ordering by key): summing a year of it for a page's top lists and
   * distinct counts groups small integers instead of text. `main.track_days` (day, tid, arid,
   * alid, plays, ms_played) and the dictionaries `main.track_ids`, `main.artist_ids`,
   * `main.album_ids`, also returned for lookups in memory.
   */
  private async numberTrackDays(): Promise<TrackNames> {
    await this.warehouse.run(`CREATE OR REPLACE TABLE main.track_ids AS
      SELECT row_number() OVER (ORDER BY track_key)::INTEGER AS tid, track_key, any_value(track_name) AS track_name
      FROM gold.agg_track_daily GROUP BY track_key`);
    await this.warehouse.run(`CREATE OR REPLACE TABLE main.artist_ids AS
      SELECT row_number() OVER (ORDER BY artist_name)::INTEGER AS arid, artist_name
      FROM (SELECT DISTINCT artist_name FROM gold.agg_track_daily WHERE artist_name IS NOT NULL)`);
    await this.warehouse.run(`CREATE OR REPLACE TABLE main.album_ids AS
      SELECT row_number() OVER (ORDER BY album_key)::INTEGER AS alid, album_key, any_value(album_name) AS album_name
      FROM gold.agg_track_daily WHERE album_key IS NOT NULL GROUP BY album_key`);
    await this.warehouse.run(`CREATE OR REPLACE TABLE main.track_days AS
      SELECT d.day, t.tid, a.arid, b.alid, d.plays::INTEGER AS plays, d.ms_played::BIGINT AS ms_played
      FROM gold.agg_track_daily AS d
      JOIN main.track_ids AS t USING (track_key)
      LEFT JOIN main.artist_ids AS a ON a.artist_name = d.artist_name
      LEFT JOIN main.album_ids AS b ON b.album_key = d.album_key
      ORDER BY d.day`);
    const rows = async (sql: string) => (await this.warehouse.query(sql)).rows;
    return {
      tracks: new Map(
        (await rows('SELECT tid, track_key, track_name FROM main.track_ids')).map((r) => [
          Number(r.tid),
          { key: String(r.track_key), name: String(r.track_name) },
        ]),
      ),
      artists: new Map(
        (await rows('SELECT arid, artist_name FROM main.artist_ids')).map((r) => [
          Number(r.arid),
          String(r.artist_name),
        ]),
      ),
      albums: new Map(
        (await rows('SELECT alid, album_key, album_name FROM main.album_ids')).map((r) => [
          Number(r.alid),
          { key: String(r.album_key), name: String(r.album_name) },
        ]),
      ),
    };
  }

  /**
   * What the top lists show beside names, from the catalogue dimensions (none until they are
   * built), by `artist|<name>`, `track|<key>` and `album|<key>`.
   */
  private async gatherPictures(): Promise<Map<string, string>> {
    const built = ['silver.dim_artist', 'silver.dim_track', 'silver.dim_album'].every((t) =>
      this.tables.includes(t),
    );
    if (!built) return new Map();
    const rows = await this.warehouse.query(
      `SELECT 'artist' AS kind, artist_name AS k, min(image_url) AS image_url FROM silver.dim_artist
       WHERE image_url IS NOT NULL GROUP BY artist_name
       UNION ALL BY NAME SELECT 'track' AS kind, track_key AS k, image_url FROM silver.dim_track
       WHERE image_url IS NOT NULL
       UNION ALL BY NAME SELECT 'album' AS kind, album_key AS k, image_url FROM silver.dim_album
       WHERE image_url IS NOT NULL`,
    );
    return new Map(rows.rows.map((r) => [`${r.kind}|${r.k}`, String(r.image_url)]));
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
