import { WrappedError } from '../errors.js';
import type { Lake, LakeEntry, ListOptions } from './lake.js';
import { layout } from './layout.js';

export type LoadKind = 'extract' | 'import' | 'transform';
export type LoadStatus = 'ok' | 'partial' | 'failed';

export interface LedgerFile {
  path: string;
  bytes: number;
  sha256?: string;
  records?: number;
  /** What the file is (imports: extended_history, account_history, library...). */
  kind?: string;
  field_set?: string | null;
  /** Earliest and latest event time in the file (UTC, ISO 8601). */
  first_at?: string | null;
  last_at?: string | null;
  /** Where the file came from, relative to what the user gave. */
  source_path?: string;
  /** `import --skip-bad`: records left out of the landed copy, and the sha-256 of the file as given. */
  refused?: number;
  source_sha256?: string;
}

/**
 * One entry per load: what it wrote and how it ended. The entry is written last and create-only,
 * so a load whose entry exists finished writing every file it lists; a crash before that leaves
 * files with no entry, which readers of the ledger do not see.
 */
export interface LedgerEntry {
  load_id: string;
  kind: LoadKind;
  /** Which source or command made the load: `recently_played`, `export`, `transform`... */
  source: string;
  /** Whose data the load holds (src/listeners); absent in loads made before listeners: `me`. */
  listener_id?: string;
  status: LoadStatus;
  started_at: string;
  finished_at: string;
  files: LedgerFile[];
  counts: Record<string, number>;
  error?: { message: string; retryable: boolean };
  details?: Record<string, unknown>;
}

export class LedgerError extends WrappedError {}

/** How many ledger entries are read at once. */
const READ_WINDOW = 32;

export class LoadLedger {
  constructor(private readonly lake: Lake) {}

  async record(entry: LedgerEntry): Promise<void> {
    await this.lake.put(layout.ledger(entry.load_id), `${JSON.stringify(entry, null, 2)}\n`, {
      createOnly: true,
    });
  }

  async get(loadId: string): Promise<LedgerEntry | undefined> {
    const path = layout.ledger(loadId);
    if (!(await this.lake.exists(path))) return undefined;
    return parseEntry(path, await this.lake.get(path));
  }

  /**
   * Every entry, oldest first (load ids sort by time). With `after`, only entries of later loads:
   * older ones are skipped by their file name, without being read.
   */
  async *entries(options: { after?: string } = {}): AsyncIterable<LedgerEntry> {
    const startAfter = options.after === undefined ? undefined : layout.ledger(options.after);
    const paths = async function* (listed: AsyncIterable<LakeEntry>) {
      for await (const item of listed) yield item.path;
    };
    yield* this.read(paths(this.listed({ startAfter })));
  }

  /** The entries' files as the lake lists them (path, size, time), oldest first, unread. */
  async *listed(options: ListOptions = {}): AsyncIterable<LakeEntry> {
    for await (const item of this.lake.list(layout.ledgerPrefix(), options))
      if (item.path.endsWith('.json')) yield item;
  }

  /**
   * The entries at these paths, in their order. A window of them is read at once: one by one,
   * each read would wait for the last (a round trip each on a cloud lake).
   */
  async *read(paths: AsyncIterable<string> | Iterable<string>): AsyncIterable<LedgerEntry> {
    let window: string[] = [];
    const readWindow = async () => {
      const bodies = await Promise.all(window.map((path) => this.lake.get(path)));
      const parsed = bodies.map((body, i) => parseEntry(window[i] as string, body));
      window = [];
      return parsed;
    };
    for await (const path of paths) {
      window.push(path);
      if (window.length === READ_WINDOW) yield* await readWindow();
    }
    yield* await readWindow();
  }
}

function parseEntry(path: string, bytes: Buffer): LedgerEntry {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new LedgerError(`Ledger entry ${path} is not valid JSON: ${(error as Error).message}`, {
      hint: 'The ledger is written create-only and never edited; restore the file from a backup or move it aside.',
    });
  }
  const entry = value as Partial<LedgerEntry>;
  if (
    typeof entry?.load_id !== 'string' ||
    typeof entry.kind !== 'string' ||
    !Array.isArray(entry.files)
  ) {
    throw new LedgerError(`Ledger entry ${path} lacks load_id, kind or files.`);
  }
  return entry as LedgerEntry;
}
