-- silver.int_play_years, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  listener_id,
  CAST(date_trunc('year', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE) AS year_start,
  track_key,
  album_key,
  artist_name,
  track_name IS NOT NULL AS named,
  CAST(count(*) FILTER (WHERE counts_as_play) AS BIGINT) AS plays,
  CAST(sum(ms_played) AS BIGINT) AS ms_played,
  min(ended_at) FILTER (WHERE counts_as_play) AS first_played_at,
  max(ended_at) AS last_streamed_at
FROM silver__fct_play
WHERE content_type = 'track' AND TRUE
GROUP BY listener_id, CAST(date_trunc('year', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE), track_key,
  album_key, artist_name, track_name IS NOT NULL
