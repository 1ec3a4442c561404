-- The recap per year (user's time zone): minutes, plays, distinct tracks and artists played,
-- podcast minutes, the top artist and track, first and last play.
-- depends_on: silver.fct_play, gold.agg_top_artists, gold.agg_top_tracks
-- key: year
WITH base AS (
  SELECT CAST(year(timezone({{ timezone }}, ended_at)) AS VARCHAR) AS year, * FROM silver.fct_play
)
SELECT
  b.year,
  coalesce(round(sum(b.ms_played) FILTER (WHERE b.content_type = 'track') / 60000.0, 2), 0) AS minutes,
  count(*) FILTER (WHERE b.counts_as_play AND b.content_type = 'track') AS plays,
  count(DISTINCT coalesce(b.track_uri, 'name:' || coalesce(b.artist_name, '') || '/' || b.track_name))
    FILTER (WHERE b.counts_as_play AND b.content_type = 'track' AND b.track_name IS NOT NULL) AS unique_tracks,
  count(DISTINCT b.artist_name) FILTER (WHERE b.counts_as_play AND b.content_type = 'track') AS unique_artists,
  coalesce(round(sum(b.ms_played) FILTER (WHERE b.content_type = 'episode') / 60000.0, 2), 0) AS podcast_minutes,
  any_value(ta.artist_name) AS top_artist,
  any_value(tt.track_name) AS top_track,
  min(b.ended_at) AS first_play_at,
  max(b.ended_at) AS last_play_at,
  bool_or(b.ms_played_estimated) AS has_estimated_minutes
FROM base AS b
LEFT JOIN gold.agg_top_artists AS ta ON ta.period = b.year AND ta.rank = 1
LEFT JOIN gold.agg_top_tracks AS tt ON tt.period = b.year AND tt.rank = 1
GROUP BY b.year
