-- Spotify's own top lists as the API returned them: one row per item of every landed
-- /me/top/artists or /me/top/tracks response, with its time range (short_term ~4 weeks,
-- medium_term ~6 months, long_term ~1 year) and its rank (1 = top). Rankings carry no dates:
-- the snapshot is when it was fetched.
-- check: not_null(kind, time_range, rank, item_id, fetched_at)
-- check: accepted_values(kind: artist, track)
-- check: accepted_values(time_range: short_term, medium_term, long_term)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  CASE resource WHEN 'top_artists' THEN 'artist' ELSE 'track' END AS kind,
  coalesce({{ json_text(request_params, '$.time_range') }}, 'medium_term') AS time_range,
  CAST(coalesce({{ json_text(request_params, '$.offset') }}, '0') AS INTEGER) + CAST(n AS INTEGER) AS rank,
  {{ json_text(item, '$.id') }} AS item_id,
  {{ json_text(item, '$.uri') }} AS item_uri,
  {{ json_text(item, '$.name') }} AS name,
  {{ json_text(item, '$.artists[0].name') }} AS artist_name,
  -- An artist's own picture, or a track's album cover (the largest comes first).
  coalesce({{ json_text(item, '$.images[0].url') }}, {{ json_text(item, '$.album.images[0].url') }}) AS image_url,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM (
  SELECT _listener_id, resource, request_params, _load_id, _source_file, fetched_at,
    {{ json_each(body, '$.items', item, n) }}
  FROM raw_api_responses WHERE resource IN ('top_artists', 'top_tracks')
) AS top_items
