-- bronze.stg_api_top_items, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  CASE resource WHEN 'top_artists' THEN 'artist' ELSE 'track' END AS kind,
  coalesce(get_json_object(request_params, '$.time_range'), 'medium_term') AS time_range,
  CAST(coalesce(get_json_object(request_params, '$.offset'), '0') AS INTEGER) + CAST(n AS INTEGER) AS rank,
  get_json_object(item, '$.id') AS item_id,
  get_json_object(item, '$.uri') AS item_uri,
  get_json_object(item, '$.name') AS name,
  get_json_object(item, '$.artists[0].name') AS artist_name,
  -- An artist's own picture, or a track's album cover (the largest comes first).
  coalesce(get_json_object(item, '$.images[0].url'), get_json_object(item, '$.album.images[0].url')) AS image_url,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM (
  SELECT _listener_id, resource, request_params, _load_id, _source_file, fetched_at,
    inline(transform(try_variant_get(try_parse_json(body), '$.items', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1)))
  FROM raw_api_responses WHERE resource IN ('top_artists', 'top_tracks')
) AS top_items
