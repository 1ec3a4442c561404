-- bronze.stg_api_followed_artists, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  get_json_object(item, '$.id') AS artist_id,
  get_json_object(item, '$.name') AS artist_name,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, inline(transform(try_variant_get(try_parse_json(body), '$.artists.items', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1)))
  FROM raw_api_responses WHERE resource = 'followed_artists'
) AS followed
