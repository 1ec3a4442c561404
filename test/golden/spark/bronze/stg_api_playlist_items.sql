-- bronze.stg_api_playlist_items, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  regexp_extract(request_url, '/playlists/([^/]+)/', 1) AS playlist_id,
  CAST(coalesce(get_json_object(request_params, '$.offset'), '0') AS INTEGER) + CAST(n AS INTEGER) - 1 AS position,
  CAST(get_json_object(entry, '$.added_at') AS TIMESTAMP) AS added_at,
  get_json_object(entry, '$.added_by.id') AS added_by,
  CASE
    WHEN it IS NULL THEN 'unavailable'
    WHEN CAST(get_json_object(entry, '$.is_local') AS BOOLEAN) THEN 'local'
    WHEN get_json_object(it, '$.type') = 'episode' THEN 'episode'
    ELSE 'track'
  END AS item_type,
  get_json_object(it, '$.uri') AS item_uri,
  get_json_object(it, '$.name') AS item_name,
  coalesce(get_json_object(it, '$.artists[0].name'), get_json_object(it, '$.show.name')) AS artist_name,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM (
  -- The track or episode: `item` in the API since 2026, `track` before; null when unavailable.
  SELECT *, coalesce(get_json_object(entry, '$.item'), get_json_object(entry, '$.track')) AS it
  FROM (
    SELECT _listener_id, request_url, request_params, fetched_at, _load_id, _source_file,
      inline(transform(try_variant_get(try_parse_json(body), '$.items', 'array<variant>'), (v, i) -> named_struct('entry', to_json(v), 'n', i + 1)))
    FROM raw_api_responses WHERE resource = 'playlist_items'
  ) AS entries
) AS items
