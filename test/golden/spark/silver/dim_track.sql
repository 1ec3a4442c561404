-- silver.dim_track, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH by_uri AS (
  SELECT
    uri AS track_key,
    uri AS track_uri,
    min_by(name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', name)) FILTER (WHERE name IS NOT NULL) AS track_name,
    min_by(artist_name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', artist_name)) FILTER (WHERE artist_name IS NOT NULL) AS artist_name,
    min_by(album_name, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', album_name)) FILTER (WHERE album_name IS NOT NULL) AS album_name,
    max(duration_ms) AS duration_ms,
    min_by(image_url, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', image_url)) FILTER (WHERE image_url IS NOT NULL) AS image_url,
    min_by(artist_uri, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', artist_uri)) FILTER (WHERE artist_uri IS NOT NULL) AS artist_uri,
    min_by(album_uri, named_struct('unknown', last_seen_at IS NULL, 'newest', -unix_micros(last_seen_at), 'value', album_uri)) FILTER (WHERE album_uri IS NOT NULL) AS album_uri,
    min(first_seen_at) AS first_seen_at,
    'uri' AS key_kind
  FROM silver__int_catalog_seen
  WHERE kind = 'track' AND uri IS NOT NULL
  GROUP BY uri
),
by_name AS (
  SELECT
    l.key AS track_key,
    CAST(NULL AS STRING) AS track_uri,
    l.name AS track_name,
    nullif(l.artist_name, '') AS artist_name,
    min_by(s.album_name, named_struct('unknown', s.last_seen_at IS NULL, 'newest', -unix_micros(s.last_seen_at), 'value', s.album_name)) FILTER (WHERE s.album_name IS NOT NULL) AS album_name,
    CAST(NULL AS BIGINT) AS duration_ms,
    CAST(NULL AS STRING) AS image_url,
    CAST(NULL AS STRING) AS artist_uri,
    CAST(NULL AS STRING) AS album_uri,
    min(s.first_seen_at) AS first_seen_at,
    'synthetic' AS key_kind
  FROM silver__int_name_links AS l
  JOIN silver__int_catalog_seen AS s
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
LEFT JOIN silver__int_name_links AS a ON a.kind = 'artist' AND a.name = t.artist_name
LEFT JOIN silver__int_name_links AS b
  ON b.kind = 'album' AND b.name = t.album_name AND b.artist_name = coalesce(t.artist_name, '')
