-- Top tracks per year and of all time, ranked by plays, then minutes (user's time zone).
-- A track is its URI when known, else its artist and name.
-- depends_on: silver.fct_play
-- key: period, track_key
-- check: not_null(rank, plays, track_name)
WITH music AS (
  SELECT
    CAST(year(timezone({{ timezone }}, ended_at)) AS VARCHAR) AS year,
    coalesce(track_uri, 'name:' || coalesce(artist_name, '') || '/' || track_name) AS track_key,
    track_uri, track_name, artist_name, counts_as_play, ms_played
  FROM silver.fct_play WHERE content_type = 'track' AND track_name IS NOT NULL
),
periods AS (
  SELECT year AS period, * EXCLUDE (year) FROM music
  UNION ALL
  SELECT 'all', * EXCLUDE (year) FROM music
)
SELECT
  period,
  track_key,
  any_value(track_uri) AS track_uri,
  any_value(track_name) AS track_name,
  any_value(artist_name) AS artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(sum(ms_played) / 60000.0, 2) AS minutes,
  row_number() OVER (PARTITION BY period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, track_key) AS rank
FROM periods
GROUP BY period, track_key
