-- silver.int_name_links, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH pairs AS (
  SELECT 'track' AS kind, coalesce(artist_name, '') AS artist_name, name, uri, sightings
  FROM silver__int_catalog_seen WHERE kind = 'track' AND name IS NOT NULL
  UNION ALL
  SELECT 'album', coalesce(artist_name, ''), album_name, album_uri, sightings
  FROM silver__int_catalog_seen WHERE kind = 'track' AND album_name IS NOT NULL
  UNION ALL
  SELECT 'album', coalesce(artist_name, ''), name, uri, sightings
  FROM silver__int_catalog_seen WHERE kind = 'album' AND name IS NOT NULL
  UNION ALL
  SELECT 'artist', '', artist_name, artist_uri, sightings
  FROM silver__int_catalog_seen WHERE kind IN ('track', 'album') AND artist_name IS NOT NULL
  UNION ALL
  SELECT 'artist', '', name, uri, sightings
  FROM silver__int_catalog_seen WHERE kind = 'artist' AND name IS NOT NULL
),
counted AS (
  SELECT kind, artist_name, name, uri, sum(sightings) AS n FROM pairs GROUP BY kind, artist_name, name, uri
)
SELECT
  kind,
  artist_name,
  name,
  coalesce(
    min_by(uri, named_struct('weight', -(n), 'value', uri)) FILTER (WHERE uri IS NOT NULL),
    CASE WHEN kind = 'artist' THEN 'name:' || name ELSE 'name:' || artist_name || '/' || name END
  ) AS key,
  count(uri) > 0 AS has_uri
FROM counted
GROUP BY kind, artist_name, name
