-- silver.dim_album, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH seen AS (
  SELECT uri, name AS album_name, artist_name, image_url, first_seen_at, last_seen_at
  FROM silver__int_catalog_seen WHERE kind = 'album'
  UNION ALL
  SELECT album_uri, album_name, artist_name, image_url, first_seen_at, last_seen_at
  FROM silver__int_catalog_seen WHERE kind = 'track' AND album_name IS NOT NULL
),
by_uri AS (
  SELECT
    uri AS album_key,
    uri AS album_uri,
    min_by(album_name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', album_name)) FILTER (WHERE album_name IS NOT NULL) AS album_name,
    min_by(artist_name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', artist_name)) FILTER (WHERE artist_name IS NOT NULL) AS artist_name,
    min_by(image_url, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', image_url)) FILTER (WHERE image_url IS NOT NULL) AS image_url,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM seen WHERE uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT l.key, CAST(NULL AS STRING), l.name, nullif(l.artist_name, ''), CAST(NULL AS STRING), min(s.first_seen_at), 'synthetic'
  FROM silver__int_name_links AS l
  JOIN seen AS s ON s.album_name = l.name AND coalesce(s.artist_name, '') = l.artist_name
  WHERE l.kind = 'album' AND NOT l.has_uri
  GROUP BY l.key, l.name, l.artist_name
)
SELECT * FROM by_uri UNION ALL SELECT * FROM by_name
