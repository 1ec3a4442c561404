-- gold.agg_track_daily, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH daily AS (
  SELECT
    listener_id,
    CAST(CAST(ended_at AS TIMESTAMP_NTZ) AS DATE) AS day,
    track_key,
    coalesce(artist_name, '') AS artist_name,
    count(*) FILTER (WHERE counts_as_play) AS plays,
    sum(ms_played) AS ms_played,
    round(CAST(sum(ms_played) AS DOUBLE) / 600) / 100 AS minutes
  FROM silver__fct_play
  WHERE content_type = 'track' AND track_name IS NOT NULL AND TRUE
  GROUP BY ALL
)
SELECT d.listener_id, d.day, d.track_key, t.track_name, nullif(d.artist_name, '') AS artist_name, t.album_key,
  a.album_name, d.plays, d.ms_played, d.minutes
FROM daily AS d
JOIN silver__int_track_names AS t USING (track_key)
LEFT JOIN silver__int_album_names AS a ON a.album_key = t.album_key
