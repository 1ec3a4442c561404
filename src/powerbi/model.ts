/**
 * The Power BI semantic model over gold, declared here by hand: which published tables it
 * imports, which of their columns (with the TMDL data type each must have), how they relate,
 * and the measures. `test/powerbi.test.ts` checks every name and type against a real build, so
 * a change to the models that this declaration misses fails the tests instead of Power BI.
 */
export type TmdlType = 'string' | 'int64' | 'double' | 'dateTime' | 'boolean';

export interface ModelColumn {
  name: string;
  type: TmdlType;
  /** Hide keys and technical columns from report authors. */
  hidden?: boolean;
  format?: string;
}

export interface ModelTable {
  /** `gold.agg_daily_listening` or `silver.dim_track`: a table the lake publishes. */
  source: string;
  description: string;
  columns: ModelColumn[];
}

export interface ModelMeasure {
  table: string;
  name: string;
  dax: string;
  format: string;
  description: string;
}

export interface ModelRelationship {
  from: string; // table.column (many side)
  to: string; // table.column (one side)
}

const c = (name: string, type: TmdlType, extra: Partial<ModelColumn> = {}): ModelColumn => ({
  name,
  type,
  ...extra,
});

export const TABLES: ModelTable[] = [
  {
    source: 'gold.agg_daily_listening',
    description:
      'One row per day you listened: minutes, plays, podcasts and unidentified listening.',
    columns: [
      // Whose listening (a household: src/listeners); a slicer on it shows one person.
      c('listener_id', 'string'),
      c('day', 'dateTime', { format: 'yyyy-mm-dd' }),
      c('plays', 'int64'),
      c('minutes', 'double', { format: '#,0' }),
      c('podcast_minutes', 'double', { format: '#,0' }),
      c('unidentified_minutes', 'double', { format: '#,0' }),
      c('streams', 'int64'),
      c('has_estimated_minutes', 'boolean'),
      c('sources', 'string'),
    ],
  },
  {
    source: 'gold.agg_track_daily',
    description: 'One row per day and track: the plays and minutes of each song.',
    columns: [
      // Whose listening (a household: src/listeners); a slicer on it shows one person.
      c('listener_id', 'string'),
      c('day', 'dateTime', { format: 'yyyy-mm-dd' }),
      c('track_key', 'string', { hidden: true }),
      c('track_name', 'string'),
      c('artist_name', 'string'),
      c('album_key', 'string', { hidden: true }),
      c('album_name', 'string'),
      c('plays', 'int64'),
      c('minutes', 'double', { format: '#,0' }),
    ],
  },
  {
    source: 'gold.wrapped_year',
    description: 'Your Wrapped, one row per year.',
    columns: [
      // Whose listening (a household: src/listeners); a slicer on it shows one person.
      c('listener_id', 'string'),
      c('year', 'string'),
      c('minutes', 'double', { format: '#,0' }),
      c('plays', 'int64'),
      c('unique_tracks', 'int64'),
      c('unique_artists', 'int64'),
      c('top_artist', 'string'),
      c('top_track', 'string'),
      c('top_album', 'string'),
      c('peak_hour', 'int64'),
      c('longest_streak_days', 'int64'),
      c('new_artists', 'int64'),
    ],
  },
  {
    source: 'silver.dim_track',
    description: 'Every track you played or saved.',
    columns: [
      c('track_key', 'string', { hidden: true }),
      c('track_name', 'string'),
      c('artist_key', 'string', { hidden: true }),
      c('duration_ms', 'int64'),
      c('image_url', 'string'),
    ],
  },
  {
    source: 'silver.dim_artist',
    description: 'Every artist.',
    columns: [
      c('artist_key', 'string', { hidden: true }),
      c('artist_name', 'string'),
      c('image_url', 'string'),
    ],
  },
  {
    source: 'silver.dim_album',
    description: 'Every album.',
    columns: [
      c('album_key', 'string', { hidden: true }),
      c('album_name', 'string'),
      c('artist_name', 'string'),
      c('image_url', 'string'),
    ],
  },
];

/** The model's name for a lake table: its name without the layer. */
export const modelName = (source: string) => source.split('.')[1] as string;

export const RELATIONSHIPS: ModelRelationship[] = [
  { from: 'agg_track_daily.track_key', to: 'dim_track.track_key' },
  { from: 'agg_track_daily.album_key', to: 'dim_album.album_key' },
  { from: 'dim_track.artist_key', to: 'dim_artist.artist_key' },
  { from: 'agg_daily_listening.day', to: 'Calendar.Date' },
  { from: 'agg_track_daily.day', to: 'Calendar.Date' },
];

export const MEASURES: ModelMeasure[] = [
  {
    table: 'agg_daily_listening',
    name: 'Minutes',
    dax: 'SUM(agg_daily_listening[minutes])',
    format: '#,0',
    description: 'Minutes listened (music, podcasts and unidentified listening).',
  },
  {
    table: 'agg_daily_listening',
    name: 'Plays',
    dax: 'SUM(agg_daily_listening[plays])',
    format: '#,0',
    description: 'Streams of 30 seconds or more.',
  },
  {
    table: 'agg_track_daily',
    name: 'Unique artists',
    dax: 'DISTINCTCOUNT(agg_track_daily[artist_name])',
    format: '#,0',
    description: 'Artists you played at least once.',
  },
  {
    table: 'agg_track_daily',
    name: 'Share of listening',
    dax: 'DIVIDE(SUM(agg_track_daily[minutes]), CALCULATE(SUM(agg_track_daily[minutes]), ALL(dim_track), ALL(dim_artist), ALL(dim_album)))',
    format: '0.0%',
    description: "This selection's share of all the minutes of music in the period.",
  },
];
