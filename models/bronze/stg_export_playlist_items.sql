-- Playlists from the account-data export (PlaylistN.json), one row per item: the playlist's
-- name, last change and description, and the item (a track, episode, audiobook or local file,
-- or nothing when Spotify no longer has it). Export playlists carry no id: the name is their
-- identity here; `playlist_position` keeps two playlists of the same name apart.
-- check: not_null(playlist_name, playlist_position, item_type)
-- check: accepted_values(item_type: track, episode, audiobook, local, unavailable)
-- materialized: incremental
WITH playlists AS (
  SELECT _load_id, _source_file, {{ json_each(doc, '$.playlists', p, playlist_position) }}
  FROM raw_export_playlists
),
items AS (
  -- A playlist without items still gives one row, so it is known.
  SELECT p, playlist_position, _load_id, _source_file,
    {{ json_each_or_null(p, '$.items', i, item_position) }}
  FROM playlists
)
SELECT
  l._listener_id AS listener_id,
  {{ json_text(p, '$.name') }} AS playlist_name,
  CAST(playlist_position AS INTEGER) AS playlist_position,
  TRY_CAST({{ json_text(p, '$.lastModifiedDate') }} AS DATE) AS last_modified_date,
  {{ json_text(p, '$.description') }} AS description,
  CAST({{ json_text(p, '$.numberOfFollowers') }} AS INTEGER) AS followers,
  CASE WHEN i IS NULL THEN NULL ELSE CAST(item_position AS INTEGER) - 1 END AS position,
  CASE
    WHEN i IS NULL THEN 'unavailable'
    WHEN {{ is_json_object(i, '$.track') }} THEN 'track'
    WHEN {{ is_json_object(i, '$.episode') }} THEN 'episode'
    WHEN {{ is_json_object(i, '$.audiobook') }} THEN 'audiobook'
    WHEN {{ is_json_object(i, '$.localTrack') }} THEN 'local'
    ELSE 'unavailable'
  END AS item_type,
  coalesce({{ json_text(i, '$.track.trackName') }}, {{ json_text(i, '$.episode.episodeName') }}, {{ json_text(i, '$.audiobook.audiobookName') }}) AS item_name,
  coalesce({{ json_text(i, '$.track.artistName') }}, {{ json_text(i, '$.episode.showName') }}) AS artist_name,
  {{ json_text(i, '$.track.albumName') }} AS album_name,
  coalesce({{ json_text(i, '$.track.trackUri') }}, {{ json_text(i, '$.episode.episodeUri') }}, {{ json_text(i, '$.audiobook.audiobookUri') }}, {{ json_text(i, '$.localTrack.uri') }}) AS item_uri,
  TRY_CAST({{ json_text(i, '$.addedDate') }} AS DATE) AS added_date,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM items AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
