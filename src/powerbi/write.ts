import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { modelName, TABLES } from './model.js';
import {
  CALENDAR_TMDL,
  DATABASE_TMDL,
  expressionsTmdl,
  modelTmdl,
  PROJECT,
  relationshipsTmdl,
  tableTmdl,
} from './pbip.js';
import { reportJson } from './report.js';

/**
 * Where Power BI reads the lake: a local lake's folder, or the ADLS Gen2 URL of an Azure lake
 * (`abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX`). S3 has no Power BI connector.
 */
export function powerBiLakeRoot(lake: Lake, azureAccount?: string): string {
  if (lake.localRoot !== undefined) return resolve(lake.localRoot);
  const adls = /^abfss:\/\/([^@]+)@([^/]+)\/?(.*)$/.exec(lake.location);
  const az = /^az:\/\/([^/]+)\/?(.*)$/.exec(lake.location);
  if (adls) return `https://${adls[2]}/${adls[1]}${adls[3] ? `/${adls[3]}` : ''}`;
  if (az && azureAccount)
    return `https://${azureAccount}.dfs.core.windows.net/${az[1]}${az[2] ? `/${az[2]}` : ''}`;
  if (az)
    throw new ConfigError(
      `Power BI reads ADLS Gen2 by its account URL, which ${lake.location} does not name.`,
      {
        hint: 'Set AZURE_STORAGE_ACCOUNT, or WRAPPED_LAKE to abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX.',
      },
    );
  throw new ConfigError(`Power BI has no connector for the lake at ${lake.location}.`, {
    hint: 'Use a local lake or ADLS Gen2, or export tables with `wrapped export`.',
  });
}

/** The project's files, by path relative to the output folder. */
export function pbipFiles(lakeRoot: string): Map<string, string> {
  const model = `${PROJECT}.SemanticModel`;
  const report = `${PROJECT}.Report`;
  const files = new Map<string, string>([
    [
      `${PROJECT}.pbip`,
      `${JSON.stringify({ version: '1.0', artifacts: [{ report: { path: report } }], settings: { enableAutoRecovery: true } }, null, 2)}\n`,
    ],
    [`${model}/definition.pbism`, `${JSON.stringify({ version: '4.0', settings: {} }, null, 2)}\n`],
    [`${model}/definition/database.tmdl`, DATABASE_TMDL],
    [`${model}/definition/model.tmdl`, modelTmdl()],
    [`${model}/definition/expressions.tmdl`, expressionsTmdl(lakeRoot)],
    [`${model}/definition/relationships.tmdl`, relationshipsTmdl()],
    [`${model}/definition/tables/Calendar.tmdl`, CALENDAR_TMDL],
    [
      `${report}/definition.pbir`,
      `${JSON.stringify({ version: '4.0', datasetReference: { byPath: { path: `../${model}` } } }, null, 2)}\n`,
    ],
    [`${report}/report.json`, reportJson()],
    [
      'README.md',
      `# ${PROJECT} in Power BI\n\nOpen \`${PROJECT}.pbip\` in Power BI Desktop (File > Open). The semantic model imports the\nlake's gold tables and the catalogue dimensions from \`LakeRoot\` (${lakeRoot}); change it under\nTransform data > Edit parameters. Refresh after each \`wrapped transform\`.\n\nWritten by \`wrapped powerbi\`; not opened in Power BI Desktop where it was made.\n`,
    ],
  ]);
  for (const table of TABLES)
    files.set(
      `${model}/definition/tables/${modelName(table.source)}.tmdl`,
      tableTmdl(table.source),
    );
  return files;
}

/** Writes the project into `out` (replacing an earlier one there), all or nothing. */
export async function writePowerBiProject(
  lake: Lake,
  out: string,
  azureAccount?: string,
): Promise<string[]> {
  const files = pbipFiles(powerBiLakeRoot(lake, azureAccount));
  const target = resolve(out);
  const staging = `${target}.partial`;
  await rm(staging, { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await writeFile(join(staging, path), text);
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  return [...files.keys()].sort();
}
