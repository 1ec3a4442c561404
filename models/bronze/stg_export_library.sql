-- Your Library from the account-data export (YourLibrary.json): one row per liked track,
-- album, artist, show or episode, and per banned track or artist. Exports from 2020 carry no
-- `uri`; the names are always there.
-- check: not_null(item_kind, name)
-- check: accepted_values(item_kind: track, album, artist, show, episode, banned_track, banned_artist)
-- materialized: incremental
WITH entries AS (
  SELECT 'track' AS item_kind, e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.tracks', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'album', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.albums', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'artist', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.artists', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'show', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.shows', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'episode', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.episodes', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'banned_track', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.bannedTracks', e, n) }} FROM raw_export_library) AS x
  UNION ALL SELECT 'banned_artist', e, _load_id, _source_file FROM (SELECT _load_id, _source_file, {{ json_each(doc, '$.bannedArtists', e, n) }} FROM raw_export_library) AS x
)
SELECT
  l._listener_id AS listener_id,
  item_kind,
  CASE
    WHEN item_kind IN ('track', 'banned_track') THEN {{ json_text(e, '$.track') }}
    WHEN item_kind = 'album' THEN {{ json_text(e, '$.album') }}
    ELSE {{ json_text(e, '$.name') }}
  END AS name,
  CASE WHEN item_kind IN ('track', 'album', 'banned_track') THEN {{ json_text(e, '$.artist') }} END AS artist_name,
  CASE WHEN item_kind IN ('track', 'banned_track') THEN {{ json_text(e, '$.album') }} END AS album_name,
  coalesce({{ json_text(e, '$.show') }}, CASE WHEN item_kind = 'show' THEN {{ json_text(e, '$.name') }} END) AS show_name,
  {{ json_text(e, '$.publisher') }} AS publisher,
  nullif({{ json_text(e, '$.uri') }}, '') AS uri,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM entries AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
