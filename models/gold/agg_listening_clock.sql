-- When you listen: streams per weekday x hour of the day, on the local clock of the user's time
-- zone (so a play at 08:30 local is hour 8 in winter and in summer: DST is applied per play),
-- per year and of all time. Weekday is ISO: 1 Monday ... 7 Sunday. Only cells with listening
-- have a row. Summed from gold.agg_hourly_listening (local day and hour per play), whose
-- `ms_played` keeps the minutes exact. Partitioned by `period_start` (1 January of the year;
-- none for `all`, rebuilt on any change).
-- depends_on: gold.agg_hourly_listening
-- materialized: partitioned
-- event_time: period_start
-- key: listener_id, period, weekday, hour
-- check: expression(hour BETWEEN 0 AND 23)
-- check: expression(weekday BETWEEN 1 AND 7)
WITH periods AS (
  SELECT CAST(year(day) AS STRING) AS period, CAST(date_trunc('year', day) AS DATE) AS period_start, *
  FROM gold.agg_hourly_listening WHERE {{ partition_window(day) }}
  UNION ALL
  SELECT 'all', CAST(NULL AS DATE), * FROM gold.agg_hourly_listening
)
SELECT
  listener_id,
  period,
  period_start,
  CAST({{ iso_weekday(day) }} AS INTEGER) AS weekday,
  hour,
  sum(plays) AS plays,
  {{ minutes(sum(ms_played)) }} AS minutes
FROM periods
GROUP BY listener_id, period, period_start, weekday, hour
