-- gold.agg_listening_clock, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH periods AS (
  SELECT CAST(year(day) AS STRING) AS period, CAST(date_trunc('year', day) AS DATE) AS period_start, *
  FROM gold__agg_hourly_listening WHERE TRUE
  UNION ALL
  SELECT 'all', CAST(NULL AS DATE), * FROM gold__agg_hourly_listening
)
SELECT
  period,
  period_start,
  CAST(extract(DAYOFWEEK_ISO FROM day) AS INTEGER) AS weekday,
  hour,
  sum(plays) AS plays,
  CAST(round(sum(ms_played) / 60000.0, 2) AS DOUBLE) AS minutes
FROM periods
GROUP BY period, period_start, weekday, hour
