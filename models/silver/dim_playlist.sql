-- The user's playlists as last seen, names with literal \u escapes decoded ("kh\u00e1nh
-- ng\u1ee7y\u00ean" reads "khánh ngủyên"), with when each was first and last seen.
-- depends_on: bronze.stg_api_playlists
-- key: listener_id, playlist_id
-- check: not_null(name, last_seen_at)
SELECT
  listener_id,
  playlist_id,
  {{ decode_escapes(name) }} AS name,
  {{ decode_escapes(description) }} AS description,
  owner_id,
  owner_name,
  collaborative,
  public,
  snapshot_id,
  items_total,
  first_seen_at,
  fetched_at AS last_seen_at
FROM (
  SELECT *, min(fetched_at) OVER (PARTITION BY listener_id, playlist_id) AS first_seen_at
  FROM bronze.stg_api_playlists
  QUALIFY row_number() OVER (PARTITION BY listener_id, playlist_id ORDER BY fetched_at DESC, _load_id DESC) = 1
)
