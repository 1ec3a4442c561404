-- bronze.stg_api_saved_tracks, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  CAST(get_json_object(item, '$.added_at') AS TIMESTAMP) AS added_at,
  get_json_object(item, '$.track.id') AS track_id,
  get_json_object(item, '$.track.uri') AS track_uri,
  get_json_object(item, '$.track.name') AS track_name,
  get_json_object(item, '$.track.artists[0].id') AS artist_id,
  get_json_object(item, '$.track.artists[0].name') AS artist_name,
  get_json_object(item, '$.track.album.id') AS album_id,
  get_json_object(item, '$.track.album.name') AS album_name,
  CAST(get_json_object(item, '$.track.duration_ms') AS BIGINT) AS duration_ms,
  get_json_object(item, '$.track.album.images[0].url') AS image_url,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, inline(transform(try_variant_get(try_parse_json(body), '$.items', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1)))
  FROM raw_api_responses WHERE resource = 'saved_tracks'
) AS saved
