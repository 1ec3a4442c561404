-- Music per local day, track and artist name, with the track's album: the dashboard sums these
-- rows over any period (a week, 4 weeks, a custom span) for its top artists, tracks and albums,
-- with the same ranking as the top lists. A track is its `track_key` (silver.dim_track, which
-- names it), its album the track's `album_key`, named by silver.dim_album; the artist name is
-- the play's, as the artist top lists count it.
-- depends_on: silver.fct_play, silver.int_track_names, silver.int_album_names
-- materialized: partitioned
-- event_time: day
-- rebuild: days
-- lookup: silver.int_track_names (track_key)
-- lookup: silver.int_album_names (album_key)
-- check: unique(listener_id, day, track_key, artist_name)
-- check: not_null(day, track_key)
-- check: not_null(plays, minutes, track_name)
WITH daily AS (
  SELECT
    listener_id,
    CAST({{ local_time(ended_at) }} AS DATE) AS day,
    track_key,
    coalesce(artist_name, '') AS artist_name,
    count(*) FILTER (WHERE counts_as_play) AS plays,
    sum(ms_played) AS ms_played,
    {{ minutes(sum(ms_played)) }} AS minutes
  FROM silver.fct_play
  WHERE content_type = 'track' AND track_name IS NOT NULL AND {{ partition_window(ended_at) }}
  GROUP BY ALL
)
SELECT d.listener_id, d.day, d.track_key, t.track_name, nullif(d.artist_name, '') AS artist_name, t.album_key,
  a.album_name, d.plays, d.ms_played, d.minutes
FROM daily AS d
JOIN silver.int_track_names AS t USING (track_key)
LEFT JOIN silver.int_album_names AS a ON a.album_key = t.album_key
