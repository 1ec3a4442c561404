-- One row per track: every track URI seen anywhere, and every (artist, title) never seen with a
-- URI under its synthetic key (silver.int_name_links). Names are the latest seen; duration and
-- cover image come from API objects when any was landed. Its artist and album are the URIs seen
-- on the track itself when any (two albums of one artist can share a name), else by names.
-- depends_on: silver.int_catalog_seen, silver.int_name_links
-- key: track_key
-- check: not_null(key_kind)
-- check: accepted_values(key_kind: uri, synthetic)
WITH by_uri AS (
  SELECT
    uri AS track_key,
    uri AS track_uri,
    {{ latest(name, last_seen_at) }} AS track_name,
    {{ latest(artist_name, last_seen_at) }} AS artist_name,
    {{ latest(album_name, last_seen_at) }} AS album_name,
    max(duration_ms) AS duration_ms,
    {{ latest(image_url, last_seen_at) }} AS image_url,
    {{ latest(artist_uri, last_seen_at) }} AS artist_uri,
    {{ latest(album_uri, last_seen_at) }} AS album_uri,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM silver.int_catalog_seen
  WHERE kind = 'track' AND uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT
    l.key AS track_key,
    CAST(NULL AS STRING) AS track_uri,
    l.name AS track_name,
    nullif(l.artist_name, '') AS artist_name,
    {{ latest(s.album_name, s.last_seen_at) }} AS album_name,
    CAST(NULL AS BIGINT) AS duration_ms,
    CAST(NULL AS STRING) AS image_url,
    CAST(NULL AS STRING) AS artist_uri,
    CAST(NULL AS STRING) AS album_uri,
    min(s.first_seen_at) AS first_seen_at,
    'synthetic' AS key_kind
  FROM silver.int_name_links AS l
  JOIN silver.int_catalog_seen AS s
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
