import type { WrappedYear } from '../gold/reads.js';
import type { Row } from '../warehouse/index.js';

/** Runs a query and gives its rows: the warehouse (recap) or the dashboard's served tables. */
export type Rows = (sql: string, params?: Array<string | number | null>) => Promise<Row[]>;

/**
 * Spotify's own Wrapped for a year (silver.fct_spotify_wrapped and _top, from the export's
 * WrappedYYYY.json) beside ours, and each difference between them with its reason, in words a
 * listener understands. Every Spotify figure is optional: the file's shape changes every year.
 */
export interface SpotifyWrapped {
  year: string;
  minutes: number | null;
  podcast_minutes: number | null;
  unique_artists: number | null;
  unique_tracks: number | null;
  listening_days: number | null;
  longest_streak_days: number | null;
  new_artists: number | null;
  most_listened_day: string | null;
  top_tracks: SpotifyTopItem[];
  top_artists: SpotifyTopItem[];
  top_albums: SpotifyTopItem[];
  /** Figures only Spotify has (listening age, club, fan percentile, genres): shown as Spotify's. */
  only_spotify: Record<string, string | number>;
}

export interface SpotifyTopItem {
  rank: number;
  uri: string;
  /** From the catalogue this lake holds; null when it never saw the URI. */
  name: string | null;
  artist_name: string | null;
  /** Spotify's play count and minutes (tracks, when the file gives them). */
  plays: number | null;
  minutes: number | null;
  /** Our plays of the same item in the year (tracks and artists seen with this URI). */
  our_plays: number | null;
}

export interface Difference {
  figure: string;
  /** The figure as a listener reads it ("Different songs"). */
  label: string;
  ours: number | null;
  spotify: number;
  /** Ours counted over Spotify's own window (1 January to 15 November), where it differs. */
  ours_in_spotify_window?: number;
  reason: string;
}

/** Our side of the comparison: what the recap of the year holds. */
export interface OurYear {
  minutes: number;
  podcast_minutes: number;
  unidentified_minutes: number;
  unique_tracks: number;
  unique_artists: number;
  first_play_at: string | null;
  last_play_at: string | null;
  listening_days: number;
  longest_streak_days: number | null;
  new_artists: number | null;
  /** Minutes of plays only Last.fm or ListenBrainz saw (no Spotify source): Spotify never counts them. */
  other_history_minutes?: number;
  /** The same figures from 1 January to 15 November, Spotify's window. */
  in_window?: { minutes: number; listening_days: number; top_song_plays: number | null };
}

const num = (v: unknown): number | null =>
  v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v);

/** Spotify's Wrapped for the year, or undefined when the lake holds no WrappedYYYY.json for it. */
export async function spotifyWrapped(
  query: Rows,
  timezone: string,
  year: string,
): Promise<SpotifyWrapped | undefined> {
  let rows: Row[];
  try {
    rows = await query('SELECT * FROM silver.fct_spotify_wrapped WHERE year = ?', [Number(year)]);
  } catch {
    return undefined; // built before Spotify's Wrapped was read: nothing to show
  }
  const row = rows[0];
  if (!row) return undefined;
  const tops = await query(
    `SELECT t.kind, t.rank, t.uri, t.name, t.artist_name, t.plays, t.minutes,
         CASE t.kind
           WHEN 'track' THEN (SELECT count(*) FROM silver.fct_play AS p
             WHERE p.track_key = t.uri AND p.counts_as_play AND p.content_type = 'track'
               AND year(timezone(?, p.ended_at)) = t.year)
           WHEN 'artist' THEN (SELECT count(*) FROM silver.fct_play AS p
             WHERE p.artist_key = t.uri AND p.counts_as_play AND p.content_type = 'track'
               AND year(timezone(?, p.ended_at)) = t.year)
         END AS our_plays
       FROM silver.fct_spotify_wrapped_top AS t WHERE t.year = ? ORDER BY t.kind, t.rank`,
    [timezone, timezone, Number(year)],
  );
  const top = (kind: string): SpotifyTopItem[] =>
    tops
      .filter((t) => t.kind === kind)
      .map((t) => ({
        rank: Number(t.rank),
        uri: String(t.uri),
        name: (t.name as string | null) ?? null,
        artist_name: (t.artist_name as string | null) ?? null,
        plays: num(t.plays),
        minutes: num(t.minutes),
        our_plays: num(t.our_plays),
      }));
  const only: Record<string, string | number> = {};
  for (const key of [
    'listening_age',
    'club',
    'club_role',
    'top_artist_fan_share',
    'percent_above_listeners',
    'genres',
  ])
    if (row[key] !== null && row[key] !== undefined) only[key] = row[key] as string | number;
  return {
    year,
    minutes: num(row.minutes),
    podcast_minutes: num(row.podcast_minutes),
    unique_artists: num(row.unique_artists),
    unique_tracks: num(row.unique_tracks),
    listening_days: num(row.listening_days),
    longest_streak_days: num(row.longest_streak_days),
    new_artists: num(row.new_artists),
    most_listened_day: (row.most_listened_day as string | null) ?? null,
    top_tracks: top('track'),
    top_artists: top('artist'),
    top_albums: top('album'),
    only_spotify: only,
  };
}

/**
 * Ours over Spotify's window (1 January to 15 November, local days): music minutes, listening
 * days, and the plays of Spotify's top song.
 */
export async function inSpotifyWindow(
  query: Rows,
  timezone: string,
  year: string,
  topSong: string | undefined,
): Promise<NonNullable<OurYear['in_window']>> {
  const [row] = await query(
    `SELECT
         coalesce(round(sum(ms_played) FILTER (WHERE content_type = 'track')::DOUBLE / 600) / 100, 0) AS minutes,
         count(DISTINCT CAST(timezone(?, ended_at) AS DATE)) FILTER (WHERE content_type = 'track' AND counts_as_play) AS days,
         count(*) FILTER (WHERE track_key = ? AND counts_as_play AND content_type = 'track') AS top_song_plays
       FROM silver.fct_play
       WHERE CAST(timezone(?, ended_at) AS DATE) BETWEEN ?::DATE AND ?::DATE`,
    [timezone, topSong ?? '', timezone, `${year}-01-01`, `${year}${SPOTIFY_WINDOW_END}`],
  );
  return {
    minutes: Number(row?.minutes ?? 0),
    listening_days: Number(row?.days ?? 0),
    top_song_plays: topSong ? Number(row?.top_song_plays ?? 0) : null,
  };
}

/** Music minutes of the year that no Spotify source saw: plays from Last.fm or ListenBrainz alone. */
async function otherHistoryMinutes(query: Rows, timezone: string, year: string): Promise<number> {
  const [row] = await query(
    `SELECT coalesce(round(sum(ms_played)::DOUBLE / 600) / 100, 0) AS minutes
       FROM silver.fct_play
       WHERE content_type = 'track' AND source NOT LIKE '%api%' AND source NOT LIKE '%export%'
         AND year(timezone(?, ended_at)) = ?`,
    [timezone, Number(year)],
  );
  return Number(row?.minutes ?? 0);
}

/** Days of the year with a play (30 s or more of music), in the warehouse's time zone. */
async function listeningDays(query: Rows, year: string): Promise<number> {
  const [row] = await query(
    'SELECT count(*) AS n FROM gold.agg_daily_listening WHERE plays > 0 AND year(day) = ?',
    [Number(year)],
  );
  return Number(row?.n ?? 0);
}

/**
 * Spotify's Wrapped for a year beside ours (`yearRow`: the year's gold.wrapped_year row), or
 * undefined when the export held no WrappedYYYY.json for it. What the recap and the dashboard's
 * Wrapped page show.
 */
export async function spotifyBeside(
  query: Rows,
  timezone: string,
  year: string,
  yearRow: WrappedYear,
): Promise<{ spotify: SpotifyWrapped; differences: Difference[] } | undefined> {
  const spotify = await spotifyWrapped(query, timezone, year);
  if (!spotify) return undefined;
  const ours: OurYear = {
    minutes: Number(yearRow.minutes),
    podcast_minutes: Number(yearRow.podcast_minutes),
    unidentified_minutes: yearRow.unidentified_minutes,
    unique_tracks: yearRow.unique_tracks,
    unique_artists: yearRow.unique_artists,
    first_play_at: yearRow.first_play_at,
    last_play_at: yearRow.last_play_at,
    listening_days: await listeningDays(query, year),
    longest_streak_days: num(yearRow.longest_streak_days),
    new_artists: num(yearRow.new_artists),
    other_history_minutes: await otherHistoryMinutes(query, timezone, year),
    in_window: await inSpotifyWindow(query, timezone, year, spotify.top_tracks[0]?.uri),
  };
  return { spotify, differences: differences(ours, spotify) };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** `2025-01-27T...` as "27 January". */
const spoken = (iso: string) =>
  `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]}`;

const FIGURE_LABELS: Record<string, string> = {
  minutes: 'Minutes',
  unique_tracks: 'Different songs',
  unique_artists: 'Different artists',
  listening_days: 'Listening days',
  longest_streak_days: 'Longest streak (days)',
  new_artists: 'New artists',
};

/** Spotify's Wrapped counts from 1 January to about mid-November (SPOTIFY.md). */
const SPOTIFY_WINDOW_END = '-11-15';

/**
 * The figures both sides have, where they differ, each with why. The reasons that apply to a
 * whole year (the window each side covers) come first in every reason; then what is particular
 * to the figure.
 */
export function differences(ours: OurYear, spotify: SpotifyWrapped): Difference[] {
  const year = spotify.year;
  const windows: string[] = [];
  if (ours.first_play_at && ours.first_play_at.slice(0, 10) > `${year}-01-01`)
    windows.push(
      `Spotify counts from 1 January; your history here starts ${spoken(ours.first_play_at)}`,
    );
  if (ours.last_play_at && ours.last_play_at.slice(0, 10) < `${year}${SPOTIFY_WINDOW_END}`)
    windows.push(
      `your history here ends ${spoken(ours.last_play_at)}; Spotify counts to about mid-November`,
    );
  if (ours.last_play_at && ours.last_play_at.slice(0, 10) > `${year}${SPOTIFY_WINDOW_END}`)
    windows.push(
      `Spotify stops counting about mid-November; your history here runs to ${spoken(ours.last_play_at)}`,
    );
  const window = windows.length > 0 ? windows.join('; ') : 'both cover the same days';
  const out: Difference[] = [];
  const compare = (
    figure: string,
    mine: number | null,
    theirs: number | null,
    extra: string[] = [],
    tolerance = 0,
    inWindow?: number | null,
  ) => {
    if (theirs === null) return;
    if (mine !== null && Math.abs(mine - theirs) <= tolerance) return;
    const same =
      inWindow !== undefined && inWindow !== null && inWindow !== mine
        ? [
            `from 1 January to 15 November your history here has ${Math.round(inWindow).toLocaleString('en-US')}`,
          ]
        : [];
    out.push({
      figure,
      label: FIGURE_LABELS[figure] ?? figure.replace(/^./, (c) => c.toUpperCase()),
      ours: mine,
      spotify: theirs,
      ...(same.length > 0 ? { ours_in_spotify_window: inWindow as number } : {}),
      reason: `${[window, ...same, ...extra].join('; ')}.`.replace(/^./, (c) => c.toUpperCase()),
    });
  };
  const minuteNotes: string[] = [];
  if ((spotify.podcast_minutes ?? 0) > 0)
    minuteNotes.push(
      `Spotify's total takes in podcasts (${Math.round(spotify.podcast_minutes ?? 0).toLocaleString('en-US')} minutes in its file); ours is music only`,
    );
  if (ours.unidentified_minutes > 0)
    minuteNotes.push(
      `${Math.round(ours.unidentified_minutes).toLocaleString('en-US')} minutes here are unidentified listening, not counted as music`,
    );
  if ((ours.other_history_minutes ?? 0) > 0)
    minuteNotes.push(
      `${Math.round(ours.other_history_minutes ?? 0).toLocaleString('en-US')} minutes here are plays only Last.fm or ListenBrainz saw (3.5 minutes each where their file gives no length), which Spotify does not count`,
    );
  compare('minutes', ours.minutes, spotify.minutes, minuteNotes, 0.5, ours.in_window?.minutes);
  const counting =
    'a song counts here once played for 30 seconds; Spotify does not publish its rule';
  compare('unique_tracks', ours.unique_tracks, spotify.unique_tracks, [counting]);
  compare('unique_artists', ours.unique_artists, spotify.unique_artists, [counting]);
  compare(
    'listening_days',
    ours.listening_days,
    spotify.listening_days,
    ['a day counts here when it holds a play of 30 seconds or more'],
    0,
    ours.in_window?.listening_days,
  );
  compare('longest_streak_days', ours.longest_streak_days, spotify.longest_streak_days);
  compare('new_artists', ours.new_artists, spotify.new_artists, [
    ours.first_play_at?.startsWith(year)
      ? 'your history here begins this year, so every artist in it is new here'
      : 'an artist is new here when your history here has no earlier play of theirs',
  ]);
  const first = spotify.top_tracks[0];
  if (first && first.plays !== null)
    compare(
      `plays of your top song${first.name ? ` (${first.name})` : ''}`,
      first.our_plays,
      first.plays,
      first.our_plays === 0 && !first.name
        ? ['your history here never names this song with its Spotify link']
        : [],
      0,
      ours.in_window?.top_song_plays,
    );
  return out;
}
