-- Plays seen by the API poller, one row per item of every landed recently-played response.
-- The same play appears in many responses (each poll returns the latest 50): silver
-- deduplicates on (track_uri, played_at).
-- check: not_null(played_at, track_uri)
-- materialized: incremental
-- event_time: played_at
SELECT
  CAST(item ->> 'played_at' AS TIMESTAMPTZ) AS played_at,
  item -> 'track' ->> 'id' AS track_id,
  item -> 'track' ->> 'uri' AS track_uri,
  item -> 'track' ->> 'name' AS track_name,
  item -> 'track' -> 'artists' -> 0 ->> 'id' AS artist_id,
  item -> 'track' -> 'artists' -> 0 ->> 'name' AS artist_name,
  item -> 'track' -> 'album' ->> 'id' AS album_id,
  item -> 'track' -> 'album' ->> 'name' AS album_name,
  CAST(item -> 'track' ->> 'duration_ms' AS BIGINT) AS duration_ms,
  item -> 'track' -> 'album' -> 'images' -> 0 ->> 'url' AS image_url,
  item -> 'context' ->> 'uri' AS context_uri,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM raw_api_recently_played
