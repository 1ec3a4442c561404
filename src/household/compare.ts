import type { GoldQuery } from '../gold/reads.js';

/**
 * Two listeners of one household side by side, from gold (per listener since listeners came):
 * the artists and songs they share, how alike their listening is, who found each shared artist
 * first, and their listening clocks. Over a year (`2026`) or all time (`all`).
 *
 * Affinity, the one number: each listener's music minutes split by artist (a share of their
 * own total), and the overlap of the two splits, Σ over artists of min(share A, share B). It is
 * 0 when they have no artist in common and 1 when they give the same artists the same share
 * of their time, whoever listens more; shown as a percent. Artists are told apart by name, as
 * the artist top lists count them. "Shared" means both have at least one play (30 s or more).
 */
export interface ListenerFigures {
  plays: number;
  minutes: number;
}

export interface SharedArtist {
  artist_name: string;
  a: ListenerFigures & { first_played_at: string | null };
  b: ListenerFigures & { first_played_at: string | null };
  /** Whose first play of the artist came first (all time): a listener's name, or `both`. */
  found_first: string;
}

export interface SharedTrack {
  track_key: string;
  track_name: string;
  artist_name: string | null;
  a: ListenerFigures;
  b: ListenerFigures;
}

export interface Comparison {
  period: string;
  a: {
    listener: string;
    minutes: number;
    plays: number;
    artists: number;
    peak_hour: number | null;
  };
  b: {
    listener: string;
    minutes: number;
    plays: number;
    artists: number;
    peak_hour: number | null;
  };
  /** Σ min(share A, share B) over artists, 0..1 (see above). */
  affinity: number;
  shared_artist_count: number;
  shared_track_count: number;
  shared_artists: SharedArtist[];
  shared_tracks: SharedTrack[];
  /** Music minutes per local hour of the day (0-23), each listener's. */
  clock: { a: number[]; b: number[] };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
/** An instant read as epoch milliseconds, as ISO text (the session's time zone plays no part). */
const instant = (v: unknown) =>
  v === null || v === undefined ? null : new Date(Number(v)).toISOString();
const round2 = (v: number) => Math.round(v * 100) / 100;

export async function compareListeners(
  query: GoldQuery,
  a: string,
  b: string,
  options: { period: string; limit: number },
): Promise<Comparison> {
  const { period, limit } = options;
  // Each listener's artists in the period, with their share of that listener's minutes.
  const artists = `
    WITH per AS (
      SELECT listener_id, artist_name, plays, minutes,
        minutes / nullif(sum(minutes) OVER (PARTITION BY listener_id), 0) AS share
      FROM gold.agg_top_artists
      WHERE period = ? AND listener_id IN (?, ?)
    )`;
  const [overlap] = await query(
    `${artists}
     SELECT coalesce(sum(least(x.share, y.share)), 0) AS affinity
     FROM per AS x JOIN per AS y USING (artist_name)
     WHERE x.listener_id = ? AND y.listener_id = ?`,
    [period, a, b, a, b],
  );
  const shared = await query(
    `${artists}
     SELECT x.artist_name, x.plays AS a_plays, x.minutes AS a_minutes, y.plays AS b_plays,
       y.minutes AS b_minutes, least(x.share, y.share) AS together,
       epoch_ms(da.first_played_at) AS a_first, epoch_ms(db.first_played_at) AS b_first,
       count(*) OVER () AS n
     FROM per AS x JOIN per AS y USING (artist_name)
     LEFT JOIN gold.agg_discovery AS da
       ON da.listener_id = x.listener_id AND da.kind = 'artist' AND da.item_key = x.artist_name
     LEFT JOIN gold.agg_discovery AS db
       ON db.listener_id = y.listener_id AND db.kind = 'artist' AND db.item_key = y.artist_name
     WHERE x.listener_id = ? AND y.listener_id = ? AND x.plays > 0 AND y.plays > 0
     ORDER BY together DESC, x.artist_name
     LIMIT ?`,
    [period, a, b, a, b, limit],
  );
  const tracks = await query(
    `SELECT x.track_key, x.track_name, x.artist_name, x.plays AS a_plays, x.minutes AS a_minutes,
       y.plays AS b_plays, y.minutes AS b_minutes, count(*) OVER () AS n
     FROM gold.agg_top_tracks AS x JOIN gold.agg_top_tracks AS y USING (period, track_key)
     WHERE period = ? AND x.listener_id = ? AND y.listener_id = ? AND x.plays > 0 AND y.plays > 0
     ORDER BY least(x.plays, y.plays) DESC, x.plays + y.plays DESC, x.track_key
     LIMIT ?`,
    [period, a, b, limit],
  );
  const totals = await query(
    `SELECT listener_id, sum(plays) AS plays, sum(minutes) AS minutes,
       count(*) FILTER (WHERE plays > 0) AS artists
     FROM gold.agg_top_artists WHERE period = ? AND listener_id IN (?, ?) GROUP BY listener_id`,
    [period, a, b],
  );
  const hours = await query(
    `SELECT listener_id, hour, sum(minutes) AS minutes FROM gold.agg_listening_clock
     WHERE period = ? AND listener_id IN (?, ?) GROUP BY listener_id, hour`,
    [period, a, b],
  );
  const clockOf = (listener: string) => {
    const clock = Array.from({ length: 24 }, () => 0);
    for (const h of hours.filter((r) => r.listener_id === listener))
      clock[num(h.hour)] = round2(num(h.minutes));
    return clock;
  };
  const clock = { a: clockOf(a), b: clockOf(b) };
  const side = (listener: string, hoursOf: number[]) => {
    const t = totals.find((r) => r.listener_id === listener);
    const peak = Math.max(...hoursOf);
    return {
      listener,
      minutes: round2(num(t?.minutes)),
      plays: num(t?.plays),
      artists: num(t?.artists),
      peak_hour: peak > 0 ? hoursOf.indexOf(peak) : null,
    };
  };
  const firstOf = (x: string | null, y: string | null) => {
    if (x === null || y === null) return x !== null ? a : y !== null ? b : 'both';
    const [tx, ty] = [Date.parse(x), Date.parse(y)];
    return tx === ty ? 'both' : tx < ty ? a : b;
  };
  return {
    period,
    a: side(a, clock.a),
    b: side(b, clock.b),
    affinity: Math.round(num(overlap?.affinity) * 10_000) / 10_000,
    shared_artist_count: num(shared[0]?.n),
    shared_track_count: num(tracks[0]?.n),
    shared_artists: shared.map((r) => ({
      artist_name: String(r.artist_name),
      a: {
        plays: num(r.a_plays),
        minutes: round2(num(r.a_minutes)),
        first_played_at: instant(r.a_first),
      },
      b: {
        plays: num(r.b_plays),
        minutes: round2(num(r.b_minutes)),
        first_played_at: instant(r.b_first),
      },
      found_first: firstOf(instant(r.a_first), instant(r.b_first)),
    })),
    shared_tracks: tracks.map((r) => ({
      track_key: String(r.track_key),
      track_name: String(r.track_name),
      artist_name: text(r.artist_name),
      a: { plays: num(r.a_plays), minutes: round2(num(r.a_minutes)) },
      b: { plays: num(r.b_plays), minutes: round2(num(r.b_minutes)) },
    })),
    clock,
  };
}
