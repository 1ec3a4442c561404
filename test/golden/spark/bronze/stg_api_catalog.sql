-- bronze.stg_api_catalog, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  get_json_object(body, '$.type') AS kind,
  get_json_object(body, '$.id') AS id,
  get_json_object(body, '$.uri') AS uri,
  get_json_object(body, '$.name') AS name,
  coalesce(get_json_object(body, '$.artists[0].uri'), CASE WHEN get_json_object(body, '$.type') = 'artist' THEN get_json_object(body, '$.uri') END) AS artist_uri,
  coalesce(get_json_object(body, '$.artists[0].name'), CASE WHEN get_json_object(body, '$.type') = 'artist' THEN get_json_object(body, '$.name') END) AS artist_name,
  coalesce(get_json_object(body, '$.album.uri'), CASE WHEN get_json_object(body, '$.type') = 'album' THEN get_json_object(body, '$.uri') END) AS album_uri,
  coalesce(get_json_object(body, '$.album.name'), CASE WHEN get_json_object(body, '$.type') = 'album' THEN get_json_object(body, '$.name') END) AS album_name,
  CAST(get_json_object(body, '$.duration_ms') AS BIGINT) AS duration_ms,
  coalesce(get_json_object(body, '$.album.release_date'), get_json_object(body, '$.release_date')) AS release_date,
  -- The largest image comes first in Spotify's lists.
  coalesce(get_json_object(body, '$.images[0].url'), get_json_object(body, '$.album.images[0].url')) AS image_url,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM raw_api_responses WHERE resource IN ('catalog_tracks', 'catalog_artists', 'catalog_albums')
