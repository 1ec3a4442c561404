-- Listening per day, days cut in the user's time zone (WRAPPED_TIMEZONE).
-- A play is a stream of 30 s or more; minutes are all music streams' ms_played / 60 000.
-- Unidentified minutes: streams Spotify can no longer name (content type `unknown`), apart.
-- depends_on: silver.fct_play
-- materialized: partitioned
-- event_time: day
-- rebuild: days
-- key: listener_id, day
-- check: expression(minutes <= 1440)
SELECT
  listener_id,
  CAST({{ local_time(ended_at) }} AS DATE) AS day,
  count(*) FILTER (WHERE counts_as_play AND content_type = 'track') AS plays,
  coalesce({{ minutes(sum(ms_played) FILTER (WHERE content_type = 'track')) }}, 0) AS minutes,
  coalesce({{ minutes(sum(ms_played) FILTER (WHERE content_type = 'episode')) }}, 0) AS podcast_minutes,
  coalesce({{ minutes(sum(ms_played) FILTER (WHERE content_type = 'unknown')) }}, 0) AS unidentified_minutes,
  count(*) AS streams,
  bool_or(ms_played_estimated) AS has_estimated_minutes,
  {{ distinct_list(source, ',') }} AS sources
FROM silver.fct_play
WHERE {{ partition_window(ended_at) }}
GROUP BY 1, 2
