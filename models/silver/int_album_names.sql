-- What names an album: silver.dim_album without what the API adds later (cover, release date).
-- The gold tables read this, so an album's cover arriving does not rebuild them.
-- depends_on: silver.dim_album
-- key: album_key
SELECT album_key, album_name, artist_name
FROM silver.dim_album
