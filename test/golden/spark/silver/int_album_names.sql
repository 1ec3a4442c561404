-- silver.int_album_names, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT album_key, album_name, artist_name
FROM silver__dim_album
