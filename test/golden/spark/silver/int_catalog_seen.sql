-- silver.int_catalog_seen, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT kind, uri, name, artist_name, album_name, artist_uri, album_uri, duration_ms, image_url,
  min(seen_at) AS first_seen_at, max(seen_at) AS last_seen_at, count(*) AS sightings
FROM silver__int_catalog_sightings
WHERE seen_at IS NULL OR TRUE
GROUP BY kind, uri, name, artist_name, album_name, artist_uri, album_uri, duration_ms, image_url,
  year(seen_at)
