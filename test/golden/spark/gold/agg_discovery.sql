-- gold.agg_discovery, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH music AS (
  SELECT listener_id, ended_at, artist_name, track_name,
    track_key
  FROM silver__fct_play
  WHERE content_type = 'track' AND counts_as_play
),
firsts AS (
  SELECT listener_id, 'artist' AS kind, artist_name AS item_key, artist_name AS name, CAST(NULL AS STRING) AS artist_name,
    min(ended_at) AS first_played_at
  FROM music WHERE artist_name IS NOT NULL GROUP BY listener_id, artist_name
  UNION ALL
  SELECT m.listener_id, 'track', m.track_key, any_value(d.track_name), any_value(d.artist_name),
    min(m.ended_at)
  FROM music AS m JOIN silver__int_track_names AS d USING (track_key)
  WHERE m.track_name IS NOT NULL GROUP BY m.listener_id, m.track_key
)
SELECT listener_id, kind, item_key, name, artist_name, first_played_at,
  CAST(CAST(first_played_at AS TIMESTAMP_NTZ) AS DATE) AS first_day
FROM firsts
