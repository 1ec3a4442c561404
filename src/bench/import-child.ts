/**
 * Runs one import in its own process so the benchmark can read that process's peak RSS.
 * argv: <lake folder> <export folder>. Prints {seconds, records, max_rss_bytes} as JSON.
 */
import { importExport } from '../export/importer.js';
import { FsLake } from '../lake/drivers/fs.js';

const [lakeRoot, input] = process.argv.slice(2);
if (!lakeRoot || !input) throw new Error('usage: import-child <lake> <export folder>');
const start = performance.now();
const report = await importExport({ lake: new FsLake(lakeRoot), inputs: [input] });
if (!report.ok) throw new Error(`import failed: ${JSON.stringify(report.totals)}`);
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - start) / 1000,
    records: report.totals.records,
    max_rss_bytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
