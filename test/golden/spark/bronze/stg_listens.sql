-- bronze.stg_listens, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  l._listener_id AS listener_id,
  r.listen_key,
  r.source,
  CAST(r.listened_at AS TIMESTAMP) AS listened_at,
  r.artist_name,
  r.track_name,
  r.album_name,
  r.duration_ms,
  r.track_uri,
  r._load_id,
  regexp_extract(r._source_file, '(raw/normalized/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_listens AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
