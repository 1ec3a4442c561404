-- gold.agg_top_artists, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH grouped AS (
  -- Weeks and months from every stream in one pass (grouping sets), each grouped by the day
  -- it starts (a date groups faster than its label, made once per row below); years and all
  -- time summed from silver.int_play_years.
  SELECT listener_id, CASE WHEN grouping(week_start) = 0 THEN 'week' ELSE 'month' END AS period_type,
    CASE WHEN grouping(week_start) = 0 THEN week_start ELSE month_start END AS period_start, artist_name,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM (
    SELECT listener_id, artist_name, counts_as_play, ms_played,
      CAST(date_trunc('week', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE) AS week_start,
      CAST(date_trunc('month', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE) AS month_start
    FROM silver__fct_play
    WHERE TRUE AND content_type = 'track' AND artist_name IS NOT NULL
  ) AS streams
  GROUP BY GROUPING SETS ((listener_id, week_start, artist_name), (listener_id, month_start, artist_name))
  UNION ALL
  SELECT listener_id, 'year', year_start, artist_name, CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE TRUE AND artist_name IS NOT NULL
  GROUP BY listener_id, year_start, artist_name
  UNION ALL
  SELECT listener_id, 'all', CAST(NULL AS DATE), artist_name, CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver__int_play_years
  WHERE artist_name IS NOT NULL
  GROUP BY listener_id, artist_name
),
-- Each artist's place in the order of the names (every artist any play names): ties are broken by that number.
keys AS (
  SELECT artist_name, row_number() OVER (ORDER BY artist_name) AS key_order
  FROM (SELECT DISTINCT artist_name FROM silver__int_play_years WHERE artist_name IS NOT NULL) AS artists
),
-- Ranked on numbers alone (the names join after): sorting text made most of this model's time.
ranked AS (
  SELECT g.listener_id, g.period_type, g.period_start, k.key_order, g.plays, g.ms_played,
    row_number() OVER (PARTITION BY g.listener_id, g.period_type, g.period_start ORDER BY g.plays DESC, g.ms_played DESC, k.key_order) AS rank,
    row_number() OVER (PARTITION BY g.listener_id, g.period_type, g.period_start ORDER BY g.ms_played DESC, g.plays DESC, k.key_order) AS rank_by_minutes
  FROM grouped AS g
  JOIN keys AS k USING (artist_name)
)
SELECT r.listener_id, r.period_type,
  CASE r.period_type
    WHEN 'week' THEN concat(CAST(year(date_add(CAST(date_trunc('WEEK', r.period_start) AS DATE), 3)) AS STRING), '-W', lpad(CAST(weekofyear(r.period_start) AS STRING), 2, '0'))
    WHEN 'month' THEN date_format(r.period_start, 'yyyy-MM')
    WHEN 'year' THEN CAST(year(r.period_start) AS STRING)
    ELSE 'all'
  END AS period,
  r.period_start, k.artist_name, r.plays, round(CAST(r.ms_played AS DOUBLE) / 600) / 100 AS minutes,
  CAST(r.rank AS BIGINT) AS rank, CAST(r.rank_by_minutes AS BIGINT) AS rank_by_minutes
FROM ranked AS r
JOIN keys AS k USING (key_order)
