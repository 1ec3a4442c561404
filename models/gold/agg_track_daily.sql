-- Music per local day and track, with the track's artist and album: the dashboard sums these
-- rows over any period (a week, 4 weeks, a custom span) for its top artists, tracks and albums,
-- with the same ranking as the top lists. A track is its `track_key` (silver.dim_track), its
-- album the track's `album_key`, named by silver.dim_album.
-- depends_on: silver.fct_play, silver.dim_album
-- key: day, track_key
-- check: not_null(plays, minutes, track_name)
WITH daily AS (
  SELECT
    CAST(timezone({{ timezone }}, ended_at) AS DATE) AS day,
    track_key,
    any_value(track_name) AS track_name,
    any_value(artist_name) AS artist_name,
    any_value(album_key) AS album_key,
    count(*) FILTER (WHERE counts_as_play) AS plays,
    sum(ms_played) AS ms_played,
    round(sum(ms_played) / 60000.0, 2) AS minutes
  FROM silver.fct_play
  WHERE content_type = 'track' AND track_name IS NOT NULL
  GROUP BY ALL
)
SELECT d.day, d.track_key, d.track_name, d.artist_name, d.album_key, a.album_name,
  d.plays, d.ms_played, d.minutes
FROM daily AS d
LEFT JOIN silver.dim_album AS a USING (album_key)
