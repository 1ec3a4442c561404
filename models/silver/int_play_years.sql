-- Music streams per local year and track: the plays and milliseconds that the top lists' year
-- and all-time rows, and discovery, add up. A row per year and track (about 42k at 500k
-- streams) instead of a row per stream, partitioned by year: an hour of plays recounts this
-- year, and the all-time rows are summed from these instead of from every stream.
-- A track's album and its artist's name are kept as the plays give them; `named` says the play
-- carried a track name (the top tracks and discovery count only those).
-- Partitioned by the local year of its last stream, which is the row's year: a change is
-- dated by the days streamed, as the plays' are, so the year before is not rebuilt with it.
-- depends_on: silver.fct_play
-- materialized: partitioned
-- event_time: last_streamed_at
-- check: not_null(year_start, plays, ms_played, last_streamed_at)
SELECT
  listener_id,
  CAST(date_trunc('year', {{ local_time(ended_at) }}) AS DATE) AS year_start,
  track_key,
  album_key,
  artist_name,
  track_name IS NOT NULL AS named,
  CAST(count(*) FILTER (WHERE counts_as_play) AS BIGINT) AS plays,
  CAST(sum(ms_played) AS BIGINT) AS ms_played,
  min(ended_at) FILTER (WHERE counts_as_play) AS first_played_at,
  max(ended_at) AS last_streamed_at
FROM silver.fct_play
WHERE content_type = 'track' AND {{ partition_window(ended_at) }}
GROUP BY listener_id, CAST(date_trunc('year', {{ local_time(ended_at) }}) AS DATE), track_key,
  album_key, artist_name, track_name IS NOT NULL
