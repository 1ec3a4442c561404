-- Playlists from the account-data export (PlaylistN.json), one row per item: the playlist's
-- name, last change and description, and the item (a track, episode, audiobook or local file,
-- or nothing when Spotify no longer has it). Export playlists carry no id: the name is their
-- identity here; `playlist_position` keeps two playlists of the same name apart.
-- check: not_null(playlist_name, playlist_position, item_type)
-- check: accepted_values(item_type: track, episode, audiobook, local, unavailable)
-- materialized: incremental
WITH playlists AS (
  SELECT unnest(CAST(doc -> 'playlists' AS JSON[])) AS p,
    generate_subscripts(CAST(doc -> 'playlists' AS JSON[]), 1) AS playlist_position,
    _load_id, _source_file
  FROM raw_export_playlists
),
items AS (
  SELECT p, playlist_position, _load_id, _source_file,
    unnest(CASE WHEN json_type(p -> 'items') = 'ARRAY' THEN CAST(p -> 'items' AS JSON[]) ELSE [NULL::JSON] END) AS i,
    generate_subscripts(CASE WHEN json_type(p -> 'items') = 'ARRAY' THEN CAST(p -> 'items' AS JSON[]) ELSE [NULL::JSON] END, 1) AS item_position
  FROM playlists
)
SELECT
  p ->> 'name' AS playlist_name,
  CAST(playlist_position AS INTEGER) AS playlist_position,
  TRY_CAST(p ->> 'lastModifiedDate' AS DATE) AS last_modified_date,
  p ->> 'description' AS description,
  CAST(p ->> 'numberOfFollowers' AS INTEGER) AS followers,
  CASE WHEN i IS NULL THEN NULL ELSE CAST(item_position AS INTEGER) - 1 END AS position,
  CASE
    WHEN i IS NULL THEN 'unavailable'
    WHEN json_type(i -> 'track') = 'OBJECT' THEN 'track'
    WHEN json_type(i -> 'episode') = 'OBJECT' THEN 'episode'
    WHEN json_type(i -> 'audiobook') = 'OBJECT' THEN 'audiobook'
    WHEN json_type(i -> 'localTrack') = 'OBJECT' THEN 'local'
    ELSE 'unavailable'
  END AS item_type,
  coalesce(i -> 'track' ->> 'trackName', i -> 'episode' ->> 'episodeName', i -> 'audiobook' ->> 'audiobookName') AS item_name,
  coalesce(i -> 'track' ->> 'artistName', i -> 'episode' ->> 'showName') AS artist_name,
  i -> 'track' ->> 'albumName' AS album_name,
  coalesce(i -> 'track' ->> 'trackUri', i -> 'episode' ->> 'episodeUri', i -> 'audiobook' ->> 'audiobookUri', i -> 'localTrack' ->> 'uri') AS item_uri,
  TRY_CAST(i ->> 'addedDate' AS DATE) AS added_date,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM items AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
