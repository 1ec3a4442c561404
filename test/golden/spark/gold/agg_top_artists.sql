-- gold.agg_top_artists, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, artist_name,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver__int_play_periods
  WHERE period_type IN ('week', 'month') AND TRUE AND content_type = 'track' AND artist_name IS NOT NULL
  GROUP BY listener_id, period_type, period, artist_name
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, artist_name,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE TRUE AND artist_name IS NOT NULL
  GROUP BY listener_id, year_start, artist_name
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), artist_name,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE artist_name IS NOT NULL
  GROUP BY listener_id, artist_name
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, artist_name, plays,
    round(CAST(ms_played AS DOUBLE) / 600) / 100 AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, artist_name) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, artist_name) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT listener_id, period_type, period, period_start, artist_name, plays, minutes, rank, rank_by_minutes
FROM ranked
