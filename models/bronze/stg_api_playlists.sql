-- The user's playlists as /me/playlists listed them, one row per playlist per response. Names
-- are kept as Spotify sent them; silver decodes literal \u escapes.
-- check: not_null(playlist_id, fetched_at)
-- materialized: incremental
SELECT
  item ->> 'id' AS playlist_id,
  item ->> 'name' AS name,
  item ->> 'description' AS description,
  item -> 'owner' ->> 'id' AS owner_id,
  item -> 'owner' ->> 'display_name' AS owner_name,
  CAST(item ->> 'collaborative' AS BOOLEAN) AS collaborative,
  CAST(item ->> 'public' AS BOOLEAN) AS public,
  item ->> 'snapshot_id' AS snapshot_id,
  CAST(coalesce(item -> 'items' ->> 'total', item -> 'tracks' ->> 'total') AS INTEGER) AS items_total,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM (
  SELECT *, unnest(CAST(json_extract(body, '$.items') AS JSON[])) AS item
  FROM raw_api_responses WHERE resource = 'playlists'
)
