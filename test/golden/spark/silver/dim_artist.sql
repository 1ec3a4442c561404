-- silver.dim_artist, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH seen AS (
  SELECT uri, name, image_url, first_seen_at, last_seen_at FROM silver__int_catalog_seen WHERE kind = 'artist'
  UNION ALL
  SELECT artist_uri, artist_name, NULL, first_seen_at, last_seen_at FROM silver__int_catalog_seen
  WHERE kind IN ('track', 'album') AND artist_name IS NOT NULL
),
by_uri AS (
  SELECT
    uri AS artist_key,
    uri AS artist_uri,
    min_by(name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', name)) FILTER (WHERE name IS NOT NULL) AS artist_name,
    min_by(image_url, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', image_url)) FILTER (WHERE image_url IS NOT NULL) AS image_url,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM seen WHERE uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT l.key, CAST(NULL AS STRING), l.name, CAST(NULL AS STRING), min(s.first_seen_at), 'synthetic'
  FROM silver__int_name_links AS l
  JOIN seen AS s ON s.name = l.name
  WHERE l.kind = 'artist' AND NOT l.has_uri
  GROUP BY l.key, l.name
)
SELECT * FROM by_uri UNION ALL SELECT * FROM by_name
