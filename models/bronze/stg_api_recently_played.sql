-- Plays seen by the API poller, one row per item of every landed recently-played response.
-- The same play appears in many responses (each poll returns the latest 50): silver
-- deduplicates on (track_uri, played_at).
-- check: not_null(played_at, track_uri)
-- materialized: incremental
-- event_time: played_at
SELECT
  _listener_id AS listener_id,
  {{ to_instant({{ json_text(item, '$.played_at') }}) }} AS played_at,
  {{ json_text(item, '$.track.id') }} AS track_id,
  {{ json_text(item, '$.track.uri') }} AS track_uri,
  {{ json_text(item, '$.track.name') }} AS track_name,
  {{ json_text(item, '$.track.artists[0].id') }} AS artist_id,
  {{ json_text(item, '$.track.artists[0].name') }} AS artist_name,
  {{ json_text(item, '$.track.album.id') }} AS album_id,
  {{ json_text(item, '$.track.album.name') }} AS album_name,
  CAST({{ json_text(item, '$.track.duration_ms') }} AS BIGINT) AS duration_ms,
  {{ json_text(item, '$.track.album.images[0].url') }} AS image_url,
  {{ json_text(item, '$.context.uri') }} AS context_uri,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM raw_api_recently_played
