-- silver.fct_top_snapshot, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH snapshots AS (
  SELECT *, CAST(convert_timezone('Europe/Berlin', 'UTC', CAST(fetched_at AS TIMESTAMP_NTZ)) AS DATE) AS snapshot_date FROM bronze__stg_api_top_items
),
latest AS (
  SELECT listener_id, snapshot_date, kind, time_range, max(_load_id) AS _load_id FROM snapshots GROUP BY ALL
)
SELECT s.listener_id, s.snapshot_date, s.kind, s.time_range, s.rank, s.item_id, s.item_uri,
  CASE WHEN (s.name) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((s.name), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (s.name)) ELSE (s.name) END AS name, s.artist_name, s.fetched_at
FROM snapshots AS s JOIN latest USING (listener_id, snapshot_date, kind, time_range, _load_id)
QUALIFY row_number() OVER (PARTITION BY s.listener_id, s.snapshot_date, s.kind, s.time_range, s.rank ORDER BY s.fetched_at DESC) = 1
