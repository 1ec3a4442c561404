-- gold.wrapped_year, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH base AS (
  SELECT CAST(year(CAST(ended_at AS TIMESTAMP_NTZ)) AS STRING) AS year, * FROM silver__fct_play
  WHERE TRUE
),
hour_minutes AS (
  SELECT listener_id, period AS year, hour, sum(minutes) AS minutes FROM gold__agg_listening_clock
  WHERE period <> 'all'
  GROUP BY listener_id, period, hour
),
peak_hour AS (
  SELECT listener_id, year, hour FROM hour_minutes
  QUALIFY row_number() OVER (PARTITION BY listener_id, year ORDER BY minutes DESC, hour) = 1
),
peak_day AS (
  SELECT listener_id, CAST(year(day) AS STRING) AS year, day, minutes FROM gold__agg_daily_listening
  QUALIFY row_number() OVER (PARTITION BY listener_id, CAST(year(day) AS STRING) ORDER BY minutes DESC, day) = 1
),
-- Streaks are cut at year boundaries here: a year's longest streak counts its own days only.
streak_days AS (
  SELECT listener_id, CAST(year(day) AS STRING) AS year, day,
    day - CAST(row_number() OVER (PARTITION BY listener_id, CAST(year(day) AS STRING) ORDER BY day) AS INTEGER) AS island
  FROM gold__agg_daily_listening WHERE plays > 0
),
longest_streak AS (
  SELECT listener_id, year, max(days) AS days FROM (
    SELECT listener_id, year, count(*) AS days FROM streak_days GROUP BY listener_id, year, island
  ) GROUP BY listener_id, year
),
discovered AS (
  SELECT listener_id, CAST(year(first_day) AS STRING) AS year, count(*) AS new_artists
  FROM gold__agg_discovery WHERE kind = 'artist' GROUP BY 1, 2
),
-- The year's streams summed, before anything is joined to them (a row per year, not per stream).
totals AS (
  SELECT
    listener_id,
    year,
    coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'track') AS DOUBLE) / 600) / 100, 0) AS minutes,
    count(*) FILTER (WHERE counts_as_play AND content_type = 'track') AS plays,
    coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'episode') AS DOUBLE) / 600) / 100, 0) AS podcast_minutes,
    coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'unknown') AS DOUBLE) / 600) / 100, 0) AS unidentified_minutes,
    min(ended_at) AS first_play_at,
    max(ended_at) AS last_play_at,
    bool_or(ms_played_estimated) AS has_estimated_minutes
  FROM base
  GROUP BY listener_id, year
),
-- Distinct tracks, artists and albums with a play (30 s or more), counted from
-- silver.int_play_years (a row per year and track as played) instead of from every stream.
uniques AS (
  SELECT
    listener_id,
    CAST(year(year_start) AS STRING) AS year,
    count(DISTINCT track_key) FILTER (WHERE plays > 0 AND named) AS unique_tracks,
    count(DISTINCT artist_name) FILTER (WHERE plays > 0) AS unique_artists,
    count(DISTINCT album_key) FILTER (WHERE plays > 0) AS unique_albums
  FROM silver__int_play_years
  WHERE TRUE
  GROUP BY listener_id, year_start
)
SELECT
  t.listener_id,
  t.year,
  t.minutes,
  t.plays,
  coalesce(u.unique_tracks, 0) AS unique_tracks,
  coalesce(u.unique_artists, 0) AS unique_artists,
  coalesce(u.unique_albums, 0) AS unique_albums,
  t.podcast_minutes,
  t.unidentified_minutes,
  ta.artist_name AS top_artist,
  tt.track_name AS top_track,
  tb.album_name AS top_album,
  ph.hour AS peak_hour,
  pd.day AS most_played_day,
  pd.minutes AS most_played_day_minutes,
  coalesce(ls.days, 0) AS longest_streak_days,
  coalesce(d.new_artists, 0) AS new_artists,
  t.first_play_at,
  t.last_play_at,
  t.has_estimated_minutes
FROM totals AS t
LEFT JOIN uniques AS u ON u.listener_id = t.listener_id AND u.year = t.year
LEFT JOIN (
  SELECT listener_id, period, artist_name FROM gold__agg_top_artists
  WHERE period_type = 'year' AND rank = 1 AND TRUE
) AS ta ON ta.listener_id = t.listener_id AND ta.period = t.year
LEFT JOIN (
  SELECT listener_id, period, track_name FROM gold__agg_top_tracks
  WHERE period_type = 'year' AND rank = 1 AND TRUE
) AS tt ON tt.listener_id = t.listener_id AND tt.period = t.year
LEFT JOIN (
  SELECT listener_id, period, album_name FROM gold__agg_top_albums
  WHERE period_type = 'year' AND rank = 1 AND TRUE
) AS tb ON tb.listener_id = t.listener_id AND tb.period = t.year
LEFT JOIN peak_hour AS ph ON ph.listener_id = t.listener_id AND ph.year = t.year
LEFT JOIN peak_day AS pd ON pd.listener_id = t.listener_id AND pd.year = t.year
LEFT JOIN longest_streak AS ls ON ls.listener_id = t.listener_id AND ls.year = t.year
LEFT JOIN discovered AS d ON d.listener_id = t.listener_id AND d.year = t.year
