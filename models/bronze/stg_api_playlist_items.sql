-- Items of the user's playlists, one row per item of every landed items page. The playlist is
-- the one in the request URL; the position counts from the page's offset. The item is under
-- `item` (since February 2026) or `track` (older apps); it can be an episode, a local file
-- (no id) or null (gone).
-- check: not_null(playlist_id, position, fetched_at)
-- check: accepted_values(item_type: track, episode, local, unavailable)
-- materialized: incremental
SELECT
  regexp_extract(request_url, '/playlists/([^/]+)/', 1) AS playlist_id,
  CAST(coalesce(request_params ->> 'offset', '0') AS INTEGER) + CAST(n AS INTEGER) - 1 AS position,
  CAST(entry ->> 'added_at' AS TIMESTAMPTZ) AS added_at,
  entry -> 'added_by' ->> 'id' AS added_by,
  CASE
    WHEN coalesce(entry -> 'item', entry -> 'track') IS NULL OR json_type(coalesce(entry -> 'item', entry -> 'track')) = 'NULL' THEN 'unavailable'
    WHEN CAST(entry ->> 'is_local' AS BOOLEAN) THEN 'local'
    WHEN coalesce(entry -> 'item', entry -> 'track') ->> 'type' = 'episode' THEN 'episode'
    ELSE 'track'
  END AS item_type,
  coalesce(entry -> 'item', entry -> 'track') ->> 'uri' AS item_uri,
  coalesce(entry -> 'item', entry -> 'track') ->> 'name' AS item_name,
  coalesce(
    coalesce(entry -> 'item', entry -> 'track') -> 'artists' -> 0 ->> 'name',
    coalesce(entry -> 'item', entry -> 'track') -> 'show' ->> 'name'
  ) AS artist_name,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM (
  SELECT *, unnest(CAST(json_extract(body, '$.items') AS JSON[])) AS entry,
    generate_subscripts(CAST(json_extract(body, '$.items') AS JSON[]), 1) AS n
  FROM raw_api_responses WHERE resource = 'playlist_items'
)
