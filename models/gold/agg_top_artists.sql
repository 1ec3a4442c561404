-- Top artists per year and of all time, ranked by plays, then minutes (user's time zone).
-- depends_on: silver.fct_play
-- key: period, artist_name
-- check: not_null(rank, plays)
WITH music AS (
  SELECT CAST(year(timezone({{ timezone }}, ended_at)) AS VARCHAR) AS year, artist_name, counts_as_play, ms_played
  FROM silver.fct_play WHERE content_type = 'track' AND artist_name IS NOT NULL
),
periods AS (
  SELECT year AS period, artist_name, counts_as_play, ms_played FROM music
  UNION ALL
  SELECT 'all', artist_name, counts_as_play, ms_played FROM music
)
SELECT
  period,
  artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(sum(ms_played) / 60000.0, 2) AS minutes,
  row_number() OVER (PARTITION BY period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, artist_name) AS rank
FROM periods
GROUP BY period, artist_name
