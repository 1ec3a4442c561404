-- gold.agg_top_tracks, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, track_key,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver__int_play_periods
  WHERE period_type IN ('week', 'month') AND TRUE AND content_type = 'track' AND track_name IS NOT NULL
  GROUP BY listener_id, period_type, period, track_key
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, track_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE TRUE AND named
  GROUP BY listener_id, year_start, track_key
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), track_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE named
  GROUP BY listener_id, track_key
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, track_key, plays,
    round(CAST(ms_played AS DOUBLE) / 600) / 100 AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, track_key) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, track_key) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT r.listener_id, r.period_type, r.period, r.period_start, r.track_key, d.track_uri, d.track_name,
  d.artist_name, r.plays, r.minutes, r.rank, r.rank_by_minutes
FROM ranked AS r
JOIN silver__int_track_names AS d USING (track_key)
