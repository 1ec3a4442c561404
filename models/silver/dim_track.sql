-- One row per track: every track URI seen anywhere, and every (artist, title) never seen with a
-- URI under its synthetic key (silver.int_name_links). Names are the latest seen; duration and
-- cover image come from API objects when any was landed. Its artist and album are the URIs seen
-- on the track itself when any (two albums of one artist can share a name), else by names.
-- depends_on: silver.int_catalog_sightings, silver.int_name_links
-- key: track_key
-- check: not_null(key_kind)
-- check: accepted_values(key_kind: uri, synthetic)
WITH by_uri AS (
  SELECT
    uri AS track_key,
    uri AS track_uri,
    first(name ORDER BY seen_at DESC NULLS LAST, name) FILTER (WHERE name IS NOT NULL) AS track_name,
    first(artist_name ORDER BY seen_at DESC NULLS LAST, artist_name) FILTER (WHERE artist_name IS NOT NULL) AS artist_name,
    first(album_name ORDER BY seen_at DESC NULLS LAST, album_name) FILTER (WHERE album_name IS NOT NULL) AS album_name,
    max(duration_ms) AS duration_ms,
    first(image_url ORDER BY seen_at DESC NULLS LAST, image_url) FILTER (WHERE image_url IS NOT NULL) AS image_url,
    first(artist_uri ORDER BY seen_at DESC NULLS LAST, artist_uri) FILTER (WHERE artist_uri IS NOT NULL) AS artist_uri,
    first(album_uri ORDER BY seen_at DESC NULLS LAST, album_uri) FILTER (WHERE album_uri IS NOT NULL) AS album_uri,
    min(seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM silver.int_catalog_sightings
  WHERE kind = 'track' AND uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT
    l.key AS track_key,
    NULL::VARCHAR AS track_uri,
    l.name AS track_name,
    nullif(l.artist_name, '') AS artist_name,
    first(s.album_name ORDER BY s.seen_at DESC NULLS LAST, s.album_name) FILTER (WHERE s.album_name IS NOT NULL) AS album_name,
    NULL::BIGINT AS duration_ms,
    NULL::VARCHAR AS image_url,
    NULL::VARCHAR AS artist_uri,
    NULL::VARCHAR AS album_uri,
    min(s.seen_at) AS first_seen_at,
    'synthetic' AS key_kind
  FROM silver.int_name_links AS l
  JOIN silver.int_catalog_sightings AS s
    ON s.kind = 'track' AND s.name = l.name AND coalesce(s.artist_name, '') = l.artist_name
  WHERE l.kind = 'track' AND NOT l.has_uri
  GROUP BY l.key, l.name, l.artist_name
),
tracks AS (SELECT * FROM by_uri UNION ALL SELECT * FROM by_name)
SELECT
  t.track_key, t.track_uri, t.track_name, t.artist_name, t.album_name,
  coalesce(t.artist_uri, a.key) AS artist_key,
  coalesce(t.album_uri, b.key) AS album_key,
  t.duration_ms, t.image_url, t.first_seen_at, t.key_kind
FROM tracks AS t
LEFT JOIN silver.int_name_links AS a ON a.kind = 'artist' AND a.name = t.artist_name
LEFT JOIN silver.int_name_links AS b
  ON b.kind = 'album' AND b.name = t.album_name AND b.artist_name = coalesce(t.artist_name, '')
