-- Your Library from the account-data export (YourLibrary.json): one row per liked track,
-- album, artist, show or episode, and per banned track or artist. Exports from 2020 carry no
-- `uri`; the names are always there.
-- check: not_null(item_kind, name)
-- check: accepted_values(item_kind: track, album, artist, show, episode, banned_track, banned_artist)
-- materialized: incremental
WITH entries AS (
  SELECT 'track' AS item_kind, unnest(CAST(doc -> 'tracks' AS JSON[])) AS e, _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'album', unnest(CAST(doc -> 'albums' AS JSON[])), _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'artist', unnest(CAST(doc -> 'artists' AS JSON[])), _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'show', unnest(CAST(doc -> 'shows' AS JSON[])), _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'episode', unnest(CAST(doc -> 'episodes' AS JSON[])), _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'banned_track', unnest(CAST(doc -> 'bannedTracks' AS JSON[])), _load_id, _source_file FROM raw_export_library
  UNION ALL SELECT 'banned_artist', unnest(CAST(doc -> 'bannedArtists' AS JSON[])), _load_id, _source_file FROM raw_export_library
)
SELECT
  item_kind,
  CASE
    WHEN item_kind IN ('track', 'banned_track') THEN e ->> 'track'
    WHEN item_kind = 'album' THEN e ->> 'album'
    ELSE e ->> 'name'
  END AS name,
  CASE WHEN item_kind IN ('track', 'album', 'banned_track') THEN e ->> 'artist' END AS artist_name,
  CASE WHEN item_kind IN ('track', 'banned_track') THEN e ->> 'album' END AS album_name,
  coalesce(e ->> 'show', CASE WHEN item_kind = 'show' THEN e ->> 'name' END) AS show_name,
  e ->> 'publisher' AS publisher,
  nullif(e ->> 'uri', '') AS uri,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM entries AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
