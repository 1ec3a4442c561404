-- gold.agg_discovery, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH firsts AS (
  -- silver.int_play_years keeps each year's first play of every track: the first of all is
  -- the earliest of those.
  SELECT listener_id, 'artist' AS kind, artist_name AS item_key, artist_name AS name, CAST(NULL AS STRING) AS artist_name,
    min(first_played_at) AS first_played_at
  FROM silver__int_play_years WHERE artist_name IS NOT NULL AND plays > 0 GROUP BY listener_id, artist_name
  UNION ALL
  SELECT y.listener_id, 'track', y.track_key, any_value(d.track_name), any_value(d.artist_name),
    min(y.first_played_at)
  FROM silver__int_play_years AS y JOIN silver__int_track_names AS d USING (track_key)
  WHERE y.named AND y.plays > 0 GROUP BY y.listener_id, y.track_key
)
SELECT listener_id, kind, item_key, name, artist_name, first_played_at,
  CAST(CAST(first_played_at AS TIMESTAMP_NTZ) AS DATE) AS first_day
FROM firsts
