-- bronze.stg_export_wrapped, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  l._listener_id AS listener_id,
  CAST(regexp_extract(r._source_file, 'Wrapped(\\d{4})\\.json$', 1) AS INTEGER) AS year,
  r.doc AS document,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_export_wrapped AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
