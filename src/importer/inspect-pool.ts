import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ExportFile, type Inspection, type InspectOptions, inspectFile } from './inspect.js';
import { nameHint } from './kinds.js';

/** What the main thread sends a worker: a file begins, its chunks, its end, or a read error. */
export type ToWorker =
  | { type: 'start'; path: string; size: number; explicit: boolean; skipBad: boolean }
  | { type: 'chunk'; bytes: ArrayBuffer }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** What a worker sends back: a chunk taken, records read, and the inspection (or its error). */
type FromWorker =
  | { type: 'taken' }
  | { type: 'records'; records: number }
  | { type: 'done'; inspection: Inspection }
  | { type: 'failed'; message: string };

/** Chunks sent to a worker and not yet taken: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 4;
/** Small chunks (a zip entry's are 16-64 KiB) are gathered to this size before they are sent. */
const SEND_BYTES = 512 * 1024;
/** Below this a file is checked on the main thread: a worker's start would cost more. */
const WORKER_MIN_BYTES = 1024 * 1024;

/**
 * The worker thread: the .js beside this file; run from source (tests, under tsx), the .ts,
 * loaded through tsx, whose hooks a worker thread does not inherit on Node 20.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./inspect-worker.js', import.meta.url));
  const source = JSON.stringify(new URL('./inspect-worker.ts', import.meta.url).href);
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`,
    { eval: true },
  );
}

/**
 * Checks an export's files two at a time on a 2-core machine: the stream files (extended and
 * account streaming history, the bulk of every export) on a worker thread while the main thread
 * checks another. The main thread still reads each file once, writes it to the lake and sends
 * each chunk to the worker, which runs the same `inspectFile` as the main thread would: the same
 * checks, the same messages, and the sha-256 (the main thread, which also lands every byte and
 * checks files of its own, is the busier of the two: an import of 372 MB took 2.25-2.35 s with
 * the hash here against 2.33-2.76 s with it on the main thread). Documents, Last.fm and
 * ListenBrainz histories and small files are checked on the main thread. (Two workers and an
 * idle main thread were no faster, and held 30 MB more.)
 */
export class InspectPool {
  private readonly idle: Worker[] = [];
  private created = 0;

  constructor(
    /** Worker threads: one fewer than the cores (at most 2), so the main thread has one. */
    readonly workers = Math.max(0, Math.min(2, availableParallelism()) - 1),
    /** Files smaller than this are checked on the main thread. */
    private readonly minBytes = WORKER_MIN_BYTES,
  ) {}

  /** How many files an import may have under way at once: one per worker, and one more. */
  get parallel(): number {
    return this.workers + 1;
  }

  /** Inspects a file on a free worker when it suits one, else on this thread. */
  async inspect(file: ExportFile, options: InspectOptions): Promise<Inspection> {
    const worker = this.suits(file) ? this.take() : undefined;
    if (!worker) return inspectFile(file, options);
    let inspection: Inspection;
    try {
      inspection = await feed(worker, file, options);
    } catch (error) {
      // A worker that failed is not trusted with another file.
      this.created--;
      await worker.terminate();
      throw error;
    }
    this.idle.push(worker);
    return inspection;
  }

  /** Stops the workers (an import calls it when done). */
  async close(): Promise<void> {
    const workers = this.idle.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private suits(file: ExportFile): boolean {
    if (file.size < this.minBytes) return false;
    const kind = nameHint(file.path.split('/').pop() ?? file.path)?.kind;
    // Their inspection is plain data; a listens file's carries its listens, a class.
    return kind === 'extended_history' || kind === 'account_history';
  }

  /** A free worker (started on first need), or none when all are busy. */
  private take(): Worker | undefined {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.created >= this.workers) return undefined;
    this.created++;
    return startWorker();
  }
}

/** Sends one file's chunks to a worker, with `options`' sink and progress on this thread. */
async function feed(
  worker: Worker,
  file: ExportFile,
  options: InspectOptions,
): Promise<Inspection> {
  let inFlight = 0;
  let settled = false;
  let wakeReader: (() => void) | undefined;
  const wake = () => {
    const w = wakeReader;
    wakeReader = undefined;
    w?.();
  };
  const result = new Promise<Inspection>((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.type === 'taken') inFlight--;
      else if (message.type === 'records') options.onRecords?.(message.records);
      else {
        settled = true;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (message.type === 'done') resolve(message.inspection);
        else reject(new Error(message.message));
      }
      wake();
    };
    const onError = (error: Error) => {
      settled = true;
      worker.off('message', onMessage);
      reject(error);
      wake();
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
  const send = (message: ToWorker, transfer?: ArrayBuffer[]) =>
    worker.postMessage(message, transfer);
  send({
    type: 'start',
    path: file.path,
    size: file.size,
    explicit: Boolean(options.explicit),
    skipBad: Boolean(options.skipBad),
  });

  const reading = (async () => {
    let gathered: Uint8Array[] = [];
    let gatheredBytes = 0;
    const flush = async () => {
      if (gatheredBytes === 0) return;
      // A copy of its own, moved to the worker: the sink may still hold the chunks read.
      const bytes = Buffer.concat(gathered, gatheredBytes);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      gathered = [];
      gatheredBytes = 0;
      while (inFlight >= IN_FLIGHT && !settled)
        await new Promise<void>((resolve) => {
          wakeReader = resolve;
        });
      if (settled) return;
      inFlight++;
      send({ type: 'chunk', bytes: buffer }, [buffer]);
    };
    try {
      for await (const chunk of await file.open()) {
        if (settled) break; // the worker has its answer (a bad record): the rest is not needed
        options.onBytes?.(chunk.length);
        if (options.sink) await options.sink(chunk);
        gathered.push(chunk);
        gatheredBytes += chunk.length;
        if (gatheredBytes >= SEND_BYTES) await flush();
      }
      await flush();
      if (!settled) send({ type: 'end' });
    } catch (error) {
      // Reading failed (a damaged zip entry): the worker's inspection reports it as it would.
      if (!settled) send({ type: 'error', message: (error as Error).message });
    }
  })();
  try {
    return await result;
  } finally {
    settled = true;
    wake();
    await reading;
  }
}
