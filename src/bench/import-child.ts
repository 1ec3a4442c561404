/**
 * Runs one import in its own process so the benchmark can read that process's peak RSS.
 * argv: <lake folder> <export folder or file>. Prints {ok, seconds, records, refused_files,
 * max_rss_bytes} as JSON; a refused import is a result too (the bench of a huge record wants one).
 */
import { readFileSync } from 'node:fs';
import { importExport } from '../importer/importer.js';
import { FsLake } from '../lake/drivers/fs.js';

const [lakeRoot, input] = process.argv.slice(2);
if (!lakeRoot || !input) throw new Error('usage: import-child <lake> <export folder>');
const start = performance.now();
const report = await importExport({ lake: new FsLake(lakeRoot), inputs: [input] });
process.stdout.write(
  `${JSON.stringify({
    ok: report.ok,
    seconds: (performance.now() - start) / 1000,
    records: report.totals.records,
    failed: report.totals.failed,
    max_rss_bytes: peakRss(),
  })}\n`,
);

/**
 * This process's own peak RSS. getrusage's maxRSS is not it on Linux: a child starts with the
 * high-water mark of the parent it was forked from (a bench holding 300 MB reads 300 MB here),
 * while /proc's VmHWM belongs to the memory this program mapped after exec.
 */
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: the rusage figure, an upper bound
  }
  return process.resourceUsage().maxRSS * 1024;
}
