-- What names a track and what it belongs to: silver.dim_track without what the API adds later
-- (duration, cover, first seen). The plays and the gold tables read this, so a track's cover
-- arriving does not rebuild them; a new name or key does.
-- depends_on: silver.dim_track
-- key: track_key
SELECT track_key, track_uri, track_name, artist_name, artist_key, album_key
FROM silver.dim_track
