-- Liked Songs as the API listed them: one row per item of every landed /me/tracks page. The
-- same track appears in many responses (daily polls, weekly rescans); silver keeps one.
-- check: not_null(track_id, added_at, fetched_at)
-- materialized: incremental
SELECT
  CAST(item ->> 'added_at' AS TIMESTAMPTZ) AS added_at,
  item -> 'track' ->> 'id' AS track_id,
  item -> 'track' ->> 'uri' AS track_uri,
  item -> 'track' ->> 'name' AS track_name,
  item -> 'track' -> 'artists' -> 0 ->> 'id' AS artist_id,
  item -> 'track' -> 'artists' -> 0 ->> 'name' AS artist_name,
  item -> 'track' -> 'album' ->> 'id' AS album_id,
  item -> 'track' -> 'album' ->> 'name' AS album_name,
  CAST(item -> 'track' ->> 'duration_ms' AS BIGINT) AS duration_ms,
  item -> 'track' -> 'album' -> 'images' -> 0 ->> 'url' AS image_url,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM (
  SELECT *, unnest(CAST(json_extract(body, '$.items') AS JSON[])) AS item
  FROM raw_api_responses WHERE resource = 'saved_tracks'
)
