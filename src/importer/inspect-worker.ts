import { parentPort } from 'node:worker_threads';
import { type ExportFile, inspectFile } from './inspect.js';
import type { ToWorker } from './inspect-pool.js';

/**
 * A worker thread of the inspect pool (inspect-pool.ts): it runs `inspectFile` on the chunks the
 * main thread sends, one file at a time, so that parsing and checking records (most of an
 * import's time) runs beside the main thread's reading and landing, and beside another file.
 */
const port = parentPort;
if (!port) throw new Error('inspect-worker.ts runs as a worker thread of inspect-pool.ts');

/** The current file's chunks, as the main thread sends them. */
class Incoming implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(message: ToWorker): void {
    if (message.type === 'chunk') this.queue.push(new Uint8Array(message.bytes));
    else if (message.type === 'end') this.ended = true;
    else if (message.type === 'error') this.failure = new Error(message.message);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        // Taken: the main thread may send another (it keeps only a few in flight).
        port?.postMessage({ type: 'taken' });
        yield chunk;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

let incoming: Incoming | undefined;

port.on('message', (message: ToWorker) => {
  if (message.type !== 'start') {
    incoming?.push(message);
    return;
  }
  const source = new Incoming();
  incoming = source;
  const file: ExportFile = { path: message.path, size: message.size, open: async () => source };
  inspectFile(file, {
    explicit: message.explicit,
    skipBad: message.skipBad,
    onRecords: (records) => port.postMessage({ type: 'records', records }),
  }).then(
    (inspection) => port.postMessage({ type: 'done', inspection }),
    (error: Error) => port.postMessage({ type: 'failed', message: error.message }),
  );
});
