-- Music per local day and track, with the track's artist and album: the dashboard sums these
-- rows over any period (a week, 4 weeks, a custom span) for its top artists, tracks and albums,
-- with the same ranking as the top lists. A track is its URI when known, else artist and name.
-- depends_on: silver.fct_play
-- key: day, track_key
-- check: not_null(plays, minutes, track_name)
SELECT
  CAST(timezone({{ timezone }}, ended_at) AS DATE) AS day,
  coalesce(track_uri, 'name:' || coalesce(artist_name, '') || '/' || track_name) AS track_key,
  any_value(track_name) AS track_name,
  any_value(artist_name) AS artist_name,
  any_value(album_name) AS album_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  sum(ms_played) AS ms_played,
  round(sum(ms_played) / 60000.0, 2) AS minutes
FROM silver.fct_play
WHERE content_type = 'track' AND track_name IS NOT NULL
GROUP BY ALL
