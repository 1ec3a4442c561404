import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serveInChild } from './serve-child.js';

/**
 * Peak memory of handing a big table out, measured on the real command line in processes of
 * their own: `wrapped export` to CSV and to JSON, and a dashboard CSV download of the play log.
 * Linux only (the peak comes from /proc and from getrusage of the child).
 */
const BIN = fileURLToPath(new URL('../../bin/wrapped.js', import.meta.url));

export interface ExportMemory {
  csv_mb: number;
  json_mb: number;
  /** The server's peak before the download (it holds gold and the play log in memory)... */
  serve_mb: number;
  /** ...and after it. */
  download_mb: number;
  download_bytes: number;
}

/** The peak RSS (MB) of `wrapped export TABLE --out FILE`, in a process of its own. */
function exportPeak(env: NodeJS.ProcessEnv, table: string, out: string): number {
  const child = spawnSync(process.execPath, ['-e', childPeakScript(table, out)], {
    env,
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`wrapped export failed: ${child.stderr}`);
  return Number(child.stdout.trim()) / 1024;
}

/** A script that runs the export and samples its VmHWM (peak RSS) from /proc when it ends. */
function childPeakScript(table: string, out: string): string {
  return `const { spawn } = require('node:child_process');
    const { readFileSync } = require('node:fs');
    const child = spawn(process.execPath, ${JSON.stringify([BIN, 'export', table, '--out', out])}, { stdio: ['ignore', 'ignore', 'inherit'] });
    let peak = 0;
    const sample = () => { try { const m = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/' + child.pid + '/status', 'utf8')); if (m) peak = Math.max(peak, Number(m[1])); } catch {} };
    const timer = setInterval(sample, 20);
    child.on('exit', (code) => { clearInterval(timer); if (code !== 0) process.exit(1); process.stdout.write(String(peak)); });`;
}

export async function measureExportMemory(
  env: NodeJS.ProcessEnv,
  table: string,
  outBase: string,
): Promise<ExportMemory> {
  const csv = exportPeak(env, table, `${outBase}.csv`);
  const json = exportPeak(env, table, `${outBase}.json`);
  const server = await serveInChild(env);
  try {
    const { url } = server;
    const peak = () =>
      Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) /
      1024;
    const serving = peak();
    const bytes = await new Promise<number>((resolve, reject) => {
      get(`${url}api/download/${table}.csv`, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => {
          n += d.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      }).on('error', reject);
    });
    return {
      csv_mb: csv,
      json_mb: json,
      serve_mb: serving,
      download_mb: peak(),
      download_bytes: bytes,
    };
  } finally {
    server.close();
  }
}
