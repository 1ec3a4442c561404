-- bronze.stg_export_playlist_items, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH playlists AS (
  SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.playlists', 'array<variant>'), (v, i) -> named_struct('p', to_json(v), 'playlist_position', i + 1)))
  FROM raw_export_playlists
),
items AS (
  -- A playlist without items still gives one row, so it is known.
  SELECT p, playlist_position, _load_id, _source_file,
    inline(CASE WHEN schema_of_variant(try_variant_get(try_parse_json(p), '$.items')) LIKE 'ARRAY%' THEN transform(try_variant_get(try_parse_json(p), '$.items', 'array<variant>'), (v, i) -> named_struct('i', to_json(v), 'item_position', i + 1)) ELSE array(named_struct('i', CAST(NULL AS STRING), 'item_position', 1)) END)
  FROM playlists
)
SELECT
  l._listener_id AS listener_id,
  get_json_object(p, '$.name') AS playlist_name,
  CAST(playlist_position AS INTEGER) AS playlist_position,
  TRY_CAST(get_json_object(p, '$.lastModifiedDate') AS DATE) AS last_modified_date,
  get_json_object(p, '$.description') AS description,
  CAST(get_json_object(p, '$.numberOfFollowers') AS INTEGER) AS followers,
  CASE WHEN i IS NULL THEN NULL ELSE CAST(item_position AS INTEGER) - 1 END AS position,
  CASE
    WHEN i IS NULL THEN 'unavailable'
    WHEN (schema_of_variant(try_variant_get(try_parse_json(i), '$.track')) LIKE 'OBJECT%') THEN 'track'
    WHEN (schema_of_variant(try_variant_get(try_parse_json(i), '$.episode')) LIKE 'OBJECT%') THEN 'episode'
    WHEN (schema_of_variant(try_variant_get(try_parse_json(i), '$.audiobook')) LIKE 'OBJECT%') THEN 'audiobook'
    WHEN (schema_of_variant(try_variant_get(try_parse_json(i), '$.localTrack')) LIKE 'OBJECT%') THEN 'local'
    ELSE 'unavailable'
  END AS item_type,
  coalesce(get_json_object(i, '$.track.trackName'), get_json_object(i, '$.episode.episodeName'), get_json_object(i, '$.audiobook.audiobookName')) AS item_name,
  coalesce(get_json_object(i, '$.track.artistName'), get_json_object(i, '$.episode.showName')) AS artist_name,
  get_json_object(i, '$.track.albumName') AS album_name,
  coalesce(get_json_object(i, '$.track.trackUri'), get_json_object(i, '$.episode.episodeUri'), get_json_object(i, '$.audiobook.audiobookUri'), get_json_object(i, '$.localTrack.uri')) AS item_uri,
  TRY_CAST(get_json_object(i, '$.addedDate') AS DATE) AS added_date,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM items AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
