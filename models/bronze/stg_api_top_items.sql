-- Spotify's own top lists as the API returned them: one row per item of every landed
-- /me/top/artists or /me/top/tracks response, with its time range (short_term ~4 weeks,
-- medium_term ~6 months, long_term ~1 year) and its rank (1 = top). Rankings carry no dates:
-- the snapshot is when it was fetched.
-- check: not_null(kind, time_range, rank, item_id, fetched_at)
-- check: accepted_values(kind: artist, track)
-- check: accepted_values(time_range: short_term, medium_term, long_term)
-- materialized: incremental
SELECT
  CASE resource WHEN 'top_artists' THEN 'artist' ELSE 'track' END AS kind,
  coalesce(request_params ->> 'time_range', 'medium_term') AS time_range,
  CAST(coalesce(request_params ->> 'offset', '0') AS INTEGER) + CAST(n AS INTEGER) AS rank,
  item ->> 'id' AS item_id,
  item ->> 'uri' AS item_uri,
  item ->> 'name' AS name,
  item -> 'artists' -> 0 ->> 'name' AS artist_name,
  -- An artist's own picture, or a track's album cover (the largest comes first).
  coalesce(item -> 'images' -> 0 ->> 'url', item -> 'album' -> 'images' -> 0 ->> 'url') AS image_url,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM (
  SELECT *, unnest(CAST(json_extract(body, '$.items') AS JSON[])) AS item,
    generate_subscripts(CAST(json_extract(body, '$.items') AS JSON[]), 1) AS n
  FROM raw_api_responses WHERE resource IN ('top_artists', 'top_tracks')
)
