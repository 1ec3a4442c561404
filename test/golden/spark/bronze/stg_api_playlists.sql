-- bronze.stg_api_playlists, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  get_json_object(item, '$.id') AS playlist_id,
  get_json_object(item, '$.name') AS name,
  get_json_object(item, '$.description') AS description,
  get_json_object(item, '$.owner.id') AS owner_id,
  get_json_object(item, '$.owner.display_name') AS owner_name,
  CAST(get_json_object(item, '$.collaborative') AS BOOLEAN) AS collaborative,
  CAST(get_json_object(item, '$.public') AS BOOLEAN) AS public,
  get_json_object(item, '$.snapshot_id') AS snapshot_id,
  CAST(coalesce(get_json_object(item, '$.items.total'), get_json_object(item, '$.tracks.total')) AS INTEGER) AS items_total,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, inline(transform(try_variant_get(try_parse_json(body), '$.items', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1)))
  FROM raw_api_responses WHERE resource = 'playlists'
) AS playlists
