/**
 * A one-way byte channel between a producer that pushes chunks and a consumer that iterates them,
 * with backpressure (the producer waits when a few chunks are queued). The import uses it to
 * read each file once: the checker reads the file and pushes every chunk here, while the lake
 * write consumes the same chunks. Failing the channel makes the consumer throw, so a file that
 * fails its checks is never published; a consumer that stops makes the producer's push throw.
 */
export class ByteChannel implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private consumerGone: Error | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly highWater = 4) {}

  async push(chunk: Uint8Array): Promise<void> {
    if (this.consumerGone) throw this.consumerGone;
    this.queue.push(chunk);
    this.wake('consumer');
    while (this.queue.length >= this.highWater && !this.consumerGone) {
      await new Promise<void>((resolve) => {
        this.wakeProducer = resolve;
      });
    }
    if (this.consumerGone) throw this.consumerGone;
  }

  /** No more chunks: the consumer finishes normally. */
  end(): void {
    this.ended = true;
    this.wake('consumer');
  }

  /** The consumer throws `error` at its next read, whatever is still queued. */
  fail(error: Error): void {
    this.failure = error;
    this.wake('consumer');
  }

  /** The consumer stopped (it failed or finished early): pushes throw `error` from now on. */
  abandon(error: Error): void {
    this.consumerGone = error;
    this.queue.length = 0;
    this.wake('producer');
  }

  private wake(who: 'consumer' | 'producer'): void {
    const wake = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.failure) throw this.failure;
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.wake('producer');
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }
}
