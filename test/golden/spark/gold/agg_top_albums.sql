-- gold.agg_top_albums, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH ranked AS (
  SELECT
    listener_id,
    period_type,
    period,
    any_value(period_start) AS period_start,
    album_key,
    count(*) FILTER (WHERE counts_as_play) AS plays,
    round(CAST(sum(ms_played) AS DOUBLE) / 600) / 100 AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, album_key) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY sum(ms_played) DESC, count(*) FILTER (WHERE counts_as_play) DESC, album_key) AS BIGINT) AS rank_by_minutes
  FROM silver__int_play_periods
  WHERE (period_type = 'all' OR TRUE) AND content_type = 'track' AND album_key IS NOT NULL
  GROUP BY listener_id, period_type, period, album_key
)
SELECT r.listener_id, r.period_type, r.period, r.period_start, r.album_key, a.album_name, a.artist_name,
  r.plays, r.minutes, r.rank, r.rank_by_minutes
FROM ranked AS r
JOIN silver__int_album_names AS a USING (album_key)
