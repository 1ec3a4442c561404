-- Items of the user's playlists, one row per item of every landed items page. The playlist is
-- the one in the request URL; the position counts from the page's offset. The item is under
-- `item` (since February 2026) or `track` (older apps); it can be an episode, a local file
-- (no id) or null (gone).
-- check: not_null(playlist_id, position, fetched_at)
-- check: accepted_values(item_type: track, episode, local, unavailable)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  regexp_extract(request_url, '/playlists/([^/]+)/', 1) AS playlist_id,
  CAST(coalesce({{ json_text(request_params, '$.offset') }}, '0') AS INTEGER) + CAST(n AS INTEGER) - 1 AS position,
  {{ to_instant({{ json_text(entry, '$.added_at') }}) }} AS added_at,
  {{ json_text(entry, '$.added_by.id') }} AS added_by,
  CASE
    WHEN it IS NULL THEN 'unavailable'
    WHEN CAST({{ json_text(entry, '$.is_local') }} AS BOOLEAN) THEN 'local'
    WHEN {{ json_text(it, '$.type') }} = 'episode' THEN 'episode'
    ELSE 'track'
  END AS item_type,
  {{ json_text(it, '$.uri') }} AS item_uri,
  {{ json_text(it, '$.name') }} AS item_name,
  coalesce({{ json_text(it, '$.artists[0].name') }}, {{ json_text(it, '$.show.name') }}) AS artist_name,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM (
  -- The track or episode: `item` in the API since 2026, `track` before; null when unavailable.
  SELECT *, coalesce({{ json(entry, '$.item') }}, {{ json(entry, '$.track') }}) AS it
  FROM (
    SELECT _listener_id, request_url, request_params, fetched_at, _load_id, _source_file,
      {{ json_each(body, '$.items', entry, n) }}
    FROM raw_api_responses WHERE resource = 'playlist_items'
  ) AS entries
) AS items
