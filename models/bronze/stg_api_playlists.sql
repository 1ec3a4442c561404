-- The user's playlists as /me/playlists listed them, one row per playlist per response. Names
-- are kept as Spotify sent them; silver decodes literal \u escapes.
-- check: not_null(playlist_id, fetched_at)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  {{ json_text(item, '$.id') }} AS playlist_id,
  {{ json_text(item, '$.name') }} AS name,
  {{ json_text(item, '$.description') }} AS description,
  {{ json_text(item, '$.owner.id') }} AS owner_id,
  {{ json_text(item, '$.owner.display_name') }} AS owner_name,
  CAST({{ json_text(item, '$.collaborative') }} AS BOOLEAN) AS collaborative,
  CAST({{ json_text(item, '$.public') }} AS BOOLEAN) AS public,
  {{ json_text(item, '$.snapshot_id') }} AS snapshot_id,
  CAST(coalesce({{ json_text(item, '$.items.total') }}, {{ json_text(item, '$.tracks.total') }}) AS INTEGER) AS items_total,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, {{ json_each(body, '$.items', item, n) }}
  FROM raw_api_responses WHERE resource = 'playlists'
) AS playlists
