-- Music per local day and hour of the day (user's time zone, DST applied per play): the
-- dashboard's listening clock and weekday x hour heatmap for any period.
-- depends_on: silver.fct_play
-- materialized: partitioned
-- event_time: day
-- rebuild: days
-- key: listener_id, day, hour
-- check: expression(hour BETWEEN 0 AND 23)
SELECT
  listener_id,
  CAST({{ local_time(ended_at) }} AS DATE) AS day,
  CAST(hour({{ local_time(ended_at) }}) AS INTEGER) AS hour,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  sum(ms_played) AS ms_played,
  {{ minutes(sum(ms_played)) }} AS minutes
FROM silver.fct_play
WHERE content_type = 'track' AND {{ partition_window(ended_at) }}
GROUP BY ALL
