/**
 * Preloaded (`node --import`) into a `wrapped` command the bench measures: at exit, writes the
 * process's peak RSS in bytes to WRAPPED_BENCH_RSS_FILE. /proc's VmHWM is the memory this
 * program mapped after exec (getrusage's maxRSS would start from the parent's high-water mark).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.WRAPPED_BENCH_RSS_FILE;
if (target)
  process.on('exit', () => {
    let bytes = process.resourceUsage().maxRSS * 1024;
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      if (kb) bytes = Number(kb) * 1024;
    } catch {
      // not Linux: the rusage figure, an upper bound
    }
    writeFileSync(target, String(bytes));
  });
