/**
 * A one-line progress bar on stderr, redrawn at most ten times a second, only on a terminal
 * (pipes and CI logs get no carriage-return noise).
 */
export interface ProgressBar {
  update(done: number, detail: string): void;
  setTotal(total: number): void;
  finish(): void;
}

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

export function createProgressBar(options: {
  label: string;
  total: number;
  enabled?: boolean;
  unit?: 'bytes';
}): ProgressBar {
  const stream = process.stderr;
  const enabled = options.enabled ?? Boolean(stream.isTTY);
  let total = options.total;
  let last = 0;
  let drawn = false;
  const amount = (n: number) => (options.unit === 'bytes' ? size(n) : n.toLocaleString('en-US'));
  const draw = (done: number, detail: string) => {
    const width = 24;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const columns = Math.max(40, stream.columns || 100);
    const line = `${options.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${amount(done)}/${amount(total)} ${detail}`;
    // \r then "erase line" (ESC [2K): the bar redraws in place.
    stream.write(`\r\u001b[2K${line.slice(0, columns - 1)}`);
    drawn = true;
  };
  return {
    update(done, detail) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done, detail);
    },
    setTotal(value) {
      total = value;
    },
    finish() {
      if (enabled && drawn) stream.write('\r\u001b[2K');
    },
  };
}
