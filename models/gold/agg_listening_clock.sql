-- When you listen: streams per weekday x hour of the day, on the local clock of the user's time
-- zone (so a play at 08:30 local is hour 8 in winter and in summer: DST is applied per play),
-- per year and of all time. Weekday is ISO: 1 Monday ... 7 Sunday. Only cells with listening
-- have a row.
-- depends_on: silver.fct_play
-- key: period, weekday, hour
-- check: expression(hour BETWEEN 0 AND 23)
-- check: expression(weekday BETWEEN 1 AND 7)
WITH local AS (
  SELECT timezone({{ timezone }}, ended_at) AS ended_local, counts_as_play, ms_played
  FROM silver.fct_play WHERE content_type = 'track'
),
periods AS (
  SELECT strftime(ended_local, '%Y') AS period, * FROM local
  UNION ALL
  SELECT 'all', * FROM local
)
SELECT
  period,
  CAST(isodow(ended_local) AS INTEGER) AS weekday,
  CAST(hour(ended_local) AS INTEGER) AS hour,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(sum(ms_played) / 60000.0, 2) AS minutes
FROM periods
GROUP BY ALL
