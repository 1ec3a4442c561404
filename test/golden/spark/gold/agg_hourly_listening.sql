-- gold.agg_hourly_listening, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  listener_id,
  CAST(CAST(ended_at AS TIMESTAMP_NTZ) AS DATE) AS day,
  CAST(hour(CAST(ended_at AS TIMESTAMP_NTZ)) AS INTEGER) AS hour,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  sum(ms_played) AS ms_played,
  round(CAST(sum(ms_played) AS DOUBLE) / 600) / 100 AS minutes
FROM silver__fct_play
WHERE content_type = 'track' AND TRUE
GROUP BY ALL
