-- Liked Songs as the API listed them: one row per item of every landed /me/tracks page. The
-- same track appears in many responses (daily polls, weekly rescans); silver keeps one.
-- check: not_null(track_id, added_at, fetched_at)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  {{ to_instant({{ json_text(item, '$.added_at') }}) }} AS added_at,
  {{ json_text(item, '$.track.id') }} AS track_id,
  {{ json_text(item, '$.track.uri') }} AS track_uri,
  {{ json_text(item, '$.track.name') }} AS track_name,
  {{ json_text(item, '$.track.artists[0].id') }} AS artist_id,
  {{ json_text(item, '$.track.artists[0].name') }} AS artist_name,
  {{ json_text(item, '$.track.album.id') }} AS album_id,
  {{ json_text(item, '$.track.album.name') }} AS album_name,
  CAST({{ json_text(item, '$.track.duration_ms') }} AS BIGINT) AS duration_ms,
  {{ json_text(item, '$.track.album.images[0].url') }} AS image_url,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, {{ json_each(body, '$.items', item, n) }}
  FROM raw_api_responses WHERE resource = 'saved_tracks'
) AS saved
