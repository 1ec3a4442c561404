import { MEASURES, type ModelColumn, modelName, RELATIONSHIPS, TABLES } from './model.js';

/**
 * A Power BI Project (PBIP) as files: a TMDL semantic model over the lake's published tables and
 * a report with a starter page. Each table is imported with Power Query from its manifest (the
 * manifest names the current Parquet parts), from a local folder or ADLS Gen2 (the LakeRoot
 * parameter). NOT OPENED IN POWER BI DESKTOP on the development machine (there is none):
 * `test/powerbi.test.ts` checks the files against a real build.
 */
export const PROJECT = 'wrapped-me';

/** TMDL names with spaces or punctuation are quoted with single quotes. */
const name = (text: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : `'${text.replaceAll("'", "''")}'`;

const mString = (text: string) => `"${text.replaceAll('"', '""')}"`;

function column(col: ModelColumn): string {
  return [
    `\tcolumn ${name(col.name)}`,
    `\t\tdataType: ${col.type}`,
    ...(col.format ? [`\t\tformatString: ${col.format}`] : []),
    ...(col.hidden ? ['\t\tisHidden'] : []),
    `\t\tsourceColumn: ${col.name}`,
    `\t\tsummarizeBy: none`,
    '',
  ].join('\n');
}

export function tableTmdl(source: string): string {
  const table = TABLES.find((t) => t.source === source);
  if (!table) throw new Error(`no such model table: ${source}`);
  const [layer, lakeName] = source.split('.') as [string, string];
  const measures = MEASURES.filter((m) => m.table === modelName(source));
  return [
    `/// ${table.description}`,
    `table ${name(modelName(source))}`,
    '',
    ...measures.flatMap((m) => [
      `\t/// ${m.description}`,
      `\tmeasure ${name(m.name)} = ${m.dax}`,
      `\t\tformatString: ${m.format}`,
      '',
    ]),
    ...table.columns.map(column),
    `\tpartition ${name(modelName(source))} = m`,
    '\t\tmode: import',
    `\t\tsource = ReadLakeTable(${mString(layer)}, ${mString(lakeName)})`,
    '',
  ].join('\n');
}

/** A date table for the daily facts, as DAX over the days that have listening. */
export const CALENDAR_TMDL = [
  '/// One row per day, from the first day with listening to the last.',
  'table Calendar',
  '',
  '\tcolumn Date',
  '\t\tdataType: dateTime',
  '\t\tformatString: yyyy-mm-dd',
  '\t\tsourceColumn: [Date]',
  '\t\tsummarizeBy: none',
  '',
  '\tcolumn Year = YEAR(Calendar[Date])',
  '\t\tdataType: int64',
  '\t\tsummarizeBy: none',
  '',
  '\tcolumn Month = FORMAT(Calendar[Date], "yyyy-mm")',
  '\t\tdataType: string',
  '\t\tsummarizeBy: none',
  '',
  '\tpartition Calendar = calculated',
  '\t\tmode: import',
  '\t\tsource = CALENDAR(MIN(agg_daily_listening[day]), MAX(agg_daily_listening[day]))',
  '',
].join('\n');

/** The lake's location, and the function every table reads itself with. */
export function expressionsTmdl(lakeRoot: string): string {
  return [
    '/// Where the lake is: a local folder, or an ADLS Gen2 URL (https://ACCOUNT.dfs.core.windows.net/CONTAINER/PREFIX).',
    `expression LakeRoot = ${mString(lakeRoot)} meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]`,
    '',
    '/// A published table: the Parquet parts its _manifest.json names, combined.',
    'expression ReadLakeTable =',
    '\t\t(layer as text, table as text) as table =>',
    '\t\tlet',
    '\t\t    Read = (path as text) as binary =>',
    '\t\t        if Text.StartsWith(LakeRoot, "https://")',
    '\t\t        then AzureStorage.DataLakeContents(LakeRoot & "/" & path)',
    '\t\t        else File.Contents(LakeRoot & "/" & path),',
    '\t\t    Manifest = Json.Document(Read(layer & "/" & table & "/_manifest.json")),',
    '\t\t    Parts = List.Transform(Manifest[files], each Parquet.Document(Read(_))),',
    '\t\t    Combined = Table.Combine(Parts)',
    '\t\tin',
    '\t\t    Combined',
    '',
  ].join('\n');
}

export function relationshipsTmdl(): string {
  return RELATIONSHIPS.map((r) => {
    const [fromTable, fromColumn] = r.from.split('.') as [string, string];
    const [toTable, toColumn] = r.to.split('.') as [string, string];
    return [
      `relationship ${name(`${fromTable} ${fromColumn} to ${toTable}`)}`,
      `\tfromColumn: ${name(fromTable)}.${name(fromColumn)}`,
      `\ttoColumn: ${name(toTable)}.${name(toColumn)}`,
      '',
    ].join('\n');
  }).join('\n');
}

export const DATABASE_TMDL = `database ${name(PROJECT)}\n\tcompatibilityLevel: 1567\n`;

export function modelTmdl(): string {
  const tables = [...TABLES.map((t) => modelName(t.source)), 'Calendar'];
  return [
    'model Model',
    '\tculture: en-US',
    '\tdefaultPowerBIDataSourceVersion: powerBI_V3',
    '\tsourceQueryCulture: en-US',
    '',
    ...tables.map((t) => `ref table ${name(t)}`),
    '',
  ].join('\n');
}
