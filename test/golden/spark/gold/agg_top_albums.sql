-- gold.agg_top_albums, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, album_key,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver__int_play_periods
  WHERE period_type IN ('week', 'month') AND TRUE AND content_type = 'track' AND album_key IS NOT NULL
  GROUP BY listener_id, period_type, period, album_key
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, album_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE TRUE AND album_key IS NOT NULL
  GROUP BY listener_id, year_start, album_key
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), album_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE album_key IS NOT NULL
  GROUP BY listener_id, album_key
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, album_key, plays,
    round(CAST(ms_played AS DOUBLE) / 600) / 100 AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, album_key) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, album_key) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT r.listener_id, r.period_type, r.period, r.period_start, r.album_key, a.album_name, a.artist_name,
  r.plays, r.minutes, r.rank, r.rank_by_minutes
FROM ranked AS r
JOIN silver__int_album_names AS a USING (album_key)
