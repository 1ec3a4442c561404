-- Spotify's top lists over time: one snapshot per UTC day, kind and time range (the last one
-- fetched that day), one row per rank.
-- depends_on: bronze.stg_api_top_items
-- key: listener_id, snapshot_date, kind, time_range, rank
-- check: not_null(item_id, name)
WITH snapshots AS (
  SELECT *, {{ utc_date(fetched_at) }} AS snapshot_date FROM bronze.stg_api_top_items
),
latest AS (
  SELECT listener_id, snapshot_date, kind, time_range, max(_load_id) AS _load_id FROM snapshots GROUP BY ALL
)
SELECT s.listener_id, s.snapshot_date, s.kind, s.time_range, s.rank, s.item_id, s.item_uri,
  {{ decode_escapes(s.name) }} AS name, s.artist_name, s.fetched_at
FROM snapshots AS s JOIN latest USING (listener_id, snapshot_date, kind, time_range, _load_id)
QUALIFY row_number() OVER (PARTITION BY s.listener_id, s.snapshot_date, s.kind, s.time_range, s.rank ORDER BY s.fetched_at DESC) = 1
