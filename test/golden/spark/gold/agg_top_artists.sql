-- gold.agg_top_artists, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  listener_id,
  period_type,
  period,
  any_value(period_start) AS period_start,
  artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(CAST(sum(ms_played) AS DOUBLE) / 600) / 100 AS minutes,
  CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, artist_name) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY sum(ms_played) DESC, count(*) FILTER (WHERE counts_as_play) DESC, artist_name) AS BIGINT) AS rank_by_minutes
FROM silver__int_play_periods
WHERE (period_type = 'all' OR TRUE) AND content_type = 'track' AND artist_name IS NOT NULL
GROUP BY listener_id, period_type, period, artist_name
