-- bronze.stg_export_sound_capsule, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH days AS (
  SELECT r._load_id, r._source_file, inline(transform(try_variant_get(try_parse_json(r.doc), '$.stats', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1)))
  FROM raw_export_sound_capsule AS r
)
SELECT
  l._listener_id AS listener_id,
  try_cast(get_json_object(item, '$.date') AS DATE) AS day,
  try_cast(get_json_object(item, '$.streamCount') AS BIGINT) AS streams,
  try_cast(get_json_object(item, '$.secondsPlayed') AS BIGINT) AS seconds_played,
  d._load_id,
  regexp_extract(d._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM days AS d
LEFT JOIN raw_loads AS l ON l._load_id = d._load_id
