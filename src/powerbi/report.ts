import { PROJECT } from './pbip.js';

/**
 * The starter report page (PBIR-Legacy `report.json`): minutes and plays as cards, minutes per
 * day as a line chart, and the top artists by minutes as a bar chart. Each visual names its
 * fields as `table.field`, which the tests check against the model.
 */
export interface Visual {
  type: 'card' | 'lineChart' | 'clusteredBarChart';
  title: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Role -> fields: a measure (`table.Measure`) or a column (`table.column`). */
  fields: Record<string, Array<{ table: string; field: string; kind: 'measure' | 'column' }>>;
}

export const PAGE_VISUALS: Visual[] = [
  {
    type: 'card',
    title: 'Minutes',
    x: 20,
    y: 20,
    width: 300,
    height: 140,
    fields: { Values: [{ table: 'agg_daily_listening', field: 'Minutes', kind: 'measure' }] },
  },
  {
    type: 'card',
    title: 'Plays',
    x: 340,
    y: 20,
    width: 300,
    height: 140,
    fields: { Values: [{ table: 'agg_daily_listening', field: 'Plays', kind: 'measure' }] },
  },
  {
    type: 'card',
    title: 'Unique artists',
    x: 660,
    y: 20,
    width: 300,
    height: 140,
    fields: { Values: [{ table: 'agg_track_daily', field: 'Unique artists', kind: 'measure' }] },
  },
  {
    type: 'lineChart',
    title: 'Minutes per day',
    x: 20,
    y: 180,
    width: 760,
    height: 520,
    fields: {
      Category: [{ table: 'Calendar', field: 'Date', kind: 'column' }],
      Y: [{ table: 'agg_daily_listening', field: 'Minutes', kind: 'measure' }],
    },
  },
  {
    type: 'clusteredBarChart',
    title: 'Top artists by minutes',
    x: 800,
    y: 180,
    width: 460,
    height: 520,
    fields: {
      Category: [{ table: 'agg_track_daily', field: 'artist_name', kind: 'column' }],
      Y: [{ table: 'agg_track_daily', field: 'Share of listening', kind: 'measure' }],
    },
  },
];

function visualConfig(visual: Visual, index: number): string {
  const tables = [
    ...new Set(
      Object.values(visual.fields)
        .flat()
        .map((f) => f.table),
    ),
  ];
  const alias = (table: string) => `t${tables.indexOf(table)}`;
  const select = Object.values(visual.fields)
    .flat()
    .map((f) => ({
      [f.kind === 'measure' ? 'Measure' : 'Column']: {
        Expression: { SourceRef: { Source: alias(f.table) } },
        Property: f.field,
      },
      Name: `${f.table}.${f.field}`,
    }));
  return JSON.stringify({
    name: `visual${index}`,
    layouts: [
      {
        id: 0,
        position: {
          x: visual.x,
          y: visual.y,
          width: visual.width,
          height: visual.height,
          z: index,
        },
      },
    ],
    singleVisual: {
      visualType: visual.type,
      projections: Object.fromEntries(
        Object.entries(visual.fields).map(([role, fields]) => [
          role,
          fields.map((f) => ({ queryRef: `${f.table}.${f.field}` })),
        ]),
      ),
      prototypeQuery: {
        Version: 2,
        From: tables.map((t) => ({ Name: alias(t), Entity: t, Type: 0 })),
        Select: select,
      },
      vcObjects: {
        title: [{ properties: { text: { expr: { Literal: { Value: `'${visual.title}'` } } } } }],
      },
    },
  });
}

export function reportJson(): string {
  return `${JSON.stringify(
    {
      config: JSON.stringify({ version: '5.59', themeCollection: {}, activeSectionIndex: 0 }),
      layoutOptimization: 0,
      sections: [
        {
          name: 'Listening',
          displayName: `${PROJECT}: listening`,
          displayOption: 1,
          width: 1280,
          height: 720,
          visualContainers: PAGE_VISUALS.map((v, i) => ({
            x: v.x,
            y: v.y,
            z: i,
            width: v.width,
            height: v.height,
            config: visualConfig(v, i),
          })),
        },
      ],
    },
    null,
    2,
  )}\n`;
}
