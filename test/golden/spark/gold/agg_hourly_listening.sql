-- gold.agg_hourly_listening, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  CAST(CAST(ended_at AS TIMESTAMP_NTZ) AS DATE) AS day,
  CAST(hour(CAST(ended_at AS TIMESTAMP_NTZ)) AS INTEGER) AS hour,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  sum(ms_played) AS ms_played,
  CAST(round(sum(ms_played) / 60000.0, 2) AS DOUBLE) AS minutes
FROM silver__fct_play
WHERE content_type = 'track' AND TRUE
GROUP BY ALL
