-- One row per artist: every artist URI seen (API objects, follows, the library file), and every
-- artist name never seen with a URI under its synthetic key (silver.int_name_links). Export
-- history names artists only: those names reach a URI through the links.
-- depends_on: silver.int_catalog_seen, silver.int_name_links
-- key: artist_key
-- check: not_null(artist_name, key_kind)
-- check: accepted_values(key_kind: uri, synthetic)
WITH seen AS (
  SELECT uri, name, image_url, first_seen_at, last_seen_at FROM silver.int_catalog_seen WHERE kind = 'artist'
  UNION ALL
  SELECT artist_uri, artist_name, NULL, first_seen_at, last_seen_at FROM silver.int_catalog_seen
  WHERE kind IN ('track', 'album') AND artist_name IS NOT NULL
),
by_uri AS (
  SELECT
    uri AS artist_key,
    uri AS artist_uri,
    {{ latest(name, last_seen_at) }} AS artist_name,
    {{ latest(image_url, last_seen_at) }} AS image_url,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM seen WHERE uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT l.key, CAST(NULL AS STRING), l.name, CAST(NULL AS STRING), min(s.first_seen_at), 'synthetic'
  FROM silver.int_name_links AS l
  JOIN seen AS s ON s.name = l.name
  WHERE l.kind = 'artist' AND NOT l.has_uri
  GROUP BY l.key, l.name
)
SELECT * FROM by_uri UNION ALL SELECT * FROM by_name
