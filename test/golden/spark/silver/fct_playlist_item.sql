-- silver.fct_playlist_item, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH latest AS (
  SELECT listener_id, playlist_id, max(_load_id) AS _load_id FROM bronze__stg_api_playlist_items GROUP BY 1, 2
)
SELECT
  i.listener_id, i.playlist_id, i.position, i.added_at, i.added_by, i.item_type, i.item_uri,
  CASE WHEN (i.item_name) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((i.item_name), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (i.item_name)) ELSE (i.item_name) END AS item_name, i.artist_name, i.fetched_at
FROM bronze__stg_api_playlist_items AS i
JOIN latest USING (listener_id, playlist_id, _load_id)
QUALIFY row_number() OVER (PARTITION BY i.listener_id, i.playlist_id, i.position ORDER BY i.fetched_at DESC) = 1
