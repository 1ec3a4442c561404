-- bronze.stg_export_library, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH entries AS (
  SELECT 'track' AS item_kind, e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.tracks', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'album', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.albums', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'artist', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.artists', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'show', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.shows', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'episode', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.episodes', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'banned_track', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.bannedTracks', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
  UNION ALL SELECT 'banned_artist', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, inline(transform(try_variant_get(try_parse_json(doc), '$.bannedArtists', 'array<variant>'), (v, i) -> named_struct('e', to_json(v), 'n', i + 1))) FROM raw_export_library) AS x
)
SELECT
  l._listener_id AS listener_id,
  item_kind,
  CASE
    WHEN item_kind IN ('track', 'banned_track') THEN get_json_object(e, '$.track')
    WHEN item_kind = 'album' THEN get_json_object(e, '$.album')
    ELSE get_json_object(e, '$.name')
  END AS name,
  CASE WHEN item_kind IN ('track', 'album', 'banned_track') THEN get_json_object(e, '$.artist') END AS artist_name,
  CASE WHEN item_kind IN ('track', 'banned_track') THEN get_json_object(e, '$.album') END AS album_name,
  coalesce(get_json_object(e, '$.show'), CASE WHEN item_kind = 'show' THEN get_json_object(e, '$.name') END) AS show_name,
  get_json_object(e, '$.publisher') AS publisher,
  nullif(get_json_object(e, '$.uri'), '') AS uri,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM entries AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
