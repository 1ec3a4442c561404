-- gold.agg_listening_clock, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH periods AS (
  SELECT CAST(year(day) AS STRING) AS period, CAST(date_trunc('year', day) AS DATE) AS period_start, *
  FROM gold__agg_hourly_listening WHERE TRUE
  UNION ALL
  SELECT 'all', CAST(NULL AS DATE), * FROM gold__agg_hourly_listening
)
SELECT
  listener_id,
  period,
  period_start,
  CAST(extract(DAYOFWEEK_ISO FROM day) AS INTEGER) AS weekday,
  hour,
  sum(plays) AS plays,
  round(CAST(sum(ms_played) AS DOUBLE) / 600) / 100 AS minutes
FROM periods
GROUP BY listener_id, period, period_start, weekday, hour
