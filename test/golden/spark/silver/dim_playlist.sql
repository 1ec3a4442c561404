-- silver.dim_playlist, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  listener_id,
  playlist_id,
  CASE WHEN (name) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((name), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (name)) ELSE (name) END AS name,
  CASE WHEN (description) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((description), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (description)) ELSE (description) END AS description,
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
  FROM bronze__stg_api_playlists
  QUALIFY row_number() OVER (PARTITION BY listener_id, playlist_id ORDER BY fetched_at DESC, _load_id DESC) = 1
)
