-- Names to keys. A track is known by (artist, title), an album by (artist, album), an artist by
-- name; when a Spotify URI was ever seen under those names, the key is that URI (the one seen
-- most often, then the smallest), so a play known only by name (account data) joins the same
-- track as the plays that carried the URI. Names never seen with a URI get a stable synthetic
-- key, `name:<artist>/<title>` (tracks, albums) or `name:<artist>` (artists), which gives way
-- to the URI as soon as one is seen. `artist_name` is '' when unknown.
-- depends_on: silver.int_catalog_seen
-- key: kind, artist_name, name
-- check: not_null(kind, artist_name, name, key)
-- check: accepted_values(kind: track, album, artist)
WITH pairs AS (
  SELECT 'track' AS kind, coalesce(artist_name, '') AS artist_name, name, uri, sightings
  FROM silver.int_catalog_seen WHERE kind = 'track' AND name IS NOT NULL
  UNION ALL
  SELECT 'album', coalesce(artist_name, ''), album_name, album_uri, sightings
  FROM silver.int_catalog_seen WHERE kind = 'track' AND album_name IS NOT NULL
  UNION ALL
  SELECT 'album', coalesce(artist_name, ''), name, uri, sightings
  FROM silver.int_catalog_seen WHERE kind = 'album' AND name IS NOT NULL
  UNION ALL
  SELECT 'artist', '', artist_name, artist_uri, sightings
  FROM silver.int_catalog_seen WHERE kind IN ('track', 'album') AND artist_name IS NOT NULL
  UNION ALL
  SELECT 'artist', '', name, uri, sightings
  FROM silver.int_catalog_seen WHERE kind = 'artist' AND name IS NOT NULL
),
counted AS (
  SELECT kind, artist_name, name, uri, sum(sightings) AS n FROM pairs GROUP BY kind, artist_name, name, uri
)
SELECT
  kind,
  artist_name,
  name,
  coalesce(
    {{ top_by(uri, n) }},
    CASE WHEN kind = 'artist' THEN 'name:' || name ELSE 'name:' || artist_name || '/' || name END
  ) AS key,
  count(uri) > 0 AS has_uri
FROM counted
GROUP BY kind, artist_name, name
