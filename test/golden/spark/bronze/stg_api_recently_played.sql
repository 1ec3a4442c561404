-- bronze.stg_api_recently_played, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  CAST(get_json_object(item, '$.played_at') AS TIMESTAMP) AS played_at,
  get_json_object(item, '$.track.id') AS track_id,
  get_json_object(item, '$.track.uri') AS track_uri,
  get_json_object(item, '$.track.name') AS track_name,
  get_json_object(item, '$.track.artists[0].id') AS artist_id,
  get_json_object(item, '$.track.artists[0].name') AS artist_name,
  get_json_object(item, '$.track.album.id') AS album_id,
  get_json_object(item, '$.track.album.name') AS album_name,
  CAST(get_json_object(item, '$.track.duration_ms') AS BIGINT) AS duration_ms,
  get_json_object(item, '$.track.album.images[0].url') AS image_url,
  get_json_object(item, '$.context.uri') AS context_uri,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM raw_api_recently_played
