-- What each playlist holds now: the items of the latest load that read the playlist (a load
-- reads all pages of a playlist whose snapshot changed), one row per position.
-- depends_on: bronze.stg_api_playlist_items, silver.dim_playlist
-- key: listener_id, playlist_id, position
-- check: relationships(playlist_id -> silver.dim_playlist.playlist_id)
WITH latest AS (
  SELECT listener_id, playlist_id, max(_load_id) AS _load_id FROM bronze.stg_api_playlist_items GROUP BY 1, 2
)
SELECT
  i.listener_id, i.playlist_id, i.position, i.added_at, i.added_by, i.item_type, i.item_uri,
  {{ decode_escapes(i.item_name) }} AS item_name, i.artist_name, i.fetched_at
FROM bronze.stg_api_playlist_items AS i
JOIN latest USING (listener_id, playlist_id, _load_id)
QUALIFY row_number() OVER (PARTITION BY i.listener_id, i.playlist_id, i.position ORDER BY i.fetched_at DESC) = 1
