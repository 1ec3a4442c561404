-- gold.agg_daily_listening, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  listener_id,
  CAST(CAST(ended_at AS TIMESTAMP_NTZ) AS DATE) AS day,
  count(*) FILTER (WHERE counts_as_play AND content_type = 'track') AS plays,
  coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'track') AS DOUBLE) / 600) / 100, 0) AS minutes,
  coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'episode') AS DOUBLE) / 600) / 100, 0) AS podcast_minutes,
  coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'unknown') AS DOUBLE) / 600) / 100, 0) AS unidentified_minutes,
  count(*) AS streams,
  bool_or(ms_played_estimated) AS has_estimated_minutes,
  listagg(DISTINCT source, ',') WITHIN GROUP (ORDER BY source) AS sources
FROM silver__fct_play
WHERE TRUE
GROUP BY 1, 2
