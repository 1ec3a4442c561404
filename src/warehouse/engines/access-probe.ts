import { randomBytes } from 'node:crypto';
import { removeFolder } from '../../lake/file-ops.js';
import type { Lake } from '../../lake/lake.js';
import { LAYERS } from '../../lake/layout.js';
import type { Engine } from './engine.js';

export interface AccessStep {
  step: 'schemas' | 'write' | 'read';
  ok: boolean;
  detail: string;
}

/**
 * What a build needs of an engine's permissions, tried for real with a throwaway table: the
 * layer schemas exist or can be made, Parquet can be written into the lake, and read back.
 * On Databricks these are Unity Catalog grants: USE CATALOG / CREATE SCHEMA on the catalog,
 * CREATE EXTERNAL TABLE, WRITE FILES and READ FILES on the lake's external location. The
 * probe's files are removed after; it stops at the first step that fails.
 */
export async function probeEngineAccess(engine: Engine, lake: Lake): Promise<AccessStep[]> {
  const steps: AccessStep[] = [];
  const attempt = async (step: AccessStep['step'], run: () => Promise<string>) => {
    try {
      steps.push({ step, ok: true, detail: await run() });
      return true;
    } catch (error) {
      steps.push({ step, ok: false, detail: (error as Error).message.split('\n')[0] ?? '' });
      return false;
    }
  };
  const folder = `_state/doctor/_staging-${randomBytes(6).toString('hex')}`;
  try {
    if (
      !(await attempt('schemas', async () => {
        for (const layer of LAYERS) await engine.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
        return `schemas ${LAYERS.join(', ')} are there`;
      }))
    )
      return steps;
    let files: string[] = [];
    if (
      !(await attempt('write', async () => {
        const written = await engine.writeParquet('SELECT 1 AS probe', folder);
        files = [...written.files.values()].flat();
        if (written.rows !== 1 || files.length === 0)
          throw new Error(`wrote ${written.rows} rows in ${files.length} files, not 1 row`);
        return `wrote Parquet under ${lake.location}`;
      }))
    )
      return steps;
    await attempt('read', async () => {
      const read = await engine.query(`SELECT count(*) AS n FROM ${await engine.parts(files)}`);
      if (Number(read.rows[0]?.n) !== 1) throw new Error('read back a different row count');
      return 'read it back';
    });
    return steps;
  } finally {
    await removeFolder(lake, folder).catch(() => {});
  }
}
