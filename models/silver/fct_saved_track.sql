-- Liked Songs over time: one row per track ever seen in Liked Songs, with when it was added
-- (Spotify's added_at) and when wrapped-me first and last saw it. (A track removed from Liked
-- Songs keeps its row; last_seen_at says when it was last there.)
-- depends_on: bronze.stg_api_saved_tracks
-- key: listener_id, track_id
-- check: not_null(added_at, first_seen_at, last_seen_at)
SELECT listener_id, track_id, track_uri, {{ decode_escapes(track_name) }} AS track_name, artist_name,
  album_name, added_at, first_seen_at, last_seen_at
FROM (
  SELECT
    listener_id,
    track_id,
    -- The names of the latest response (a track can be renamed); ties by name, so a rebuild
    -- always picks the same.
    {{ latest(track_uri, fetched_at) }} AS track_uri,
    {{ latest(track_name, fetched_at) }} AS track_name,
    {{ latest(artist_name, fetched_at) }} AS artist_name,
    {{ latest(album_name, fetched_at) }} AS album_name,
    min(added_at) AS added_at,
    min(fetched_at) AS first_seen_at,
    max(fetched_at) AS last_seen_at
  FROM bronze.stg_api_saved_tracks
  GROUP BY listener_id, track_id
)
