-- One row per album: every album URI seen (API objects, the library file), and every
-- (artist, album) never seen with a URI under its synthetic key. Cover images and release
-- dates come from API objects when landed.
-- depends_on: silver.int_catalog_seen, silver.int_name_links
-- key: album_key
-- check: not_null(album_name, key_kind)
-- check: accepted_values(key_kind: uri, synthetic)
WITH seen AS (
  SELECT uri, name AS album_name, artist_name, image_url, first_seen_at, last_seen_at
  FROM silver.int_catalog_seen WHERE kind = 'album'
  UNION ALL
  SELECT album_uri, album_name, artist_name, image_url, first_seen_at, last_seen_at
  FROM silver.int_catalog_seen WHERE kind = 'track' AND album_name IS NOT NULL
),
by_uri AS (
  SELECT
    uri AS album_key,
    uri AS album_uri,
    {{ latest(album_name, last_seen_at) }} AS album_name,
    {{ latest(artist_name, last_seen_at) }} AS artist_name,
    {{ latest(image_url, last_seen_at) }} AS image_url,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM seen WHERE uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT l.key, CAST(NULL AS STRING), l.name, nullif(l.artist_name, ''), CAST(NULL AS STRING), min(s.first_seen_at), 'synthetic'
  FROM silver.int_name_links AS l
  JOIN seen AS s ON s.album_name = l.name AND coalesce(s.artist_name, '') = l.artist_name
  WHERE l.kind = 'album' AND NOT l.has_uri
  GROUP BY l.key, l.name, l.artist_name
)
SELECT * FROM by_uri UNION ALL SELECT * FROM by_name
