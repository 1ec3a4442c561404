-- silver.int_track_names, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT track_key, track_uri, track_name, artist_name, artist_key, album_key
FROM silver__dim_track
