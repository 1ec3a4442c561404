-- Top albums per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes (`rank`), and by minutes, then plays (`rank_by_minutes`); ties then by the name or key.
-- An album is its `album_key` (silver.dim_album), the album of the play's track: plays known from
-- account data alone count once their track is known by URI somewhere.
-- depends_on: silver.fct_play, silver.int_play_years, silver.int_album_names
-- Partitioned by the year of `period_start`; the `all` rows have none and are rebuilt on
-- any change (runner.ts). A week belongs to the year it starts in. A short change rebuilds the
-- weeks and months around its days, its years' rows and the all-time ones (`rebuild: months`):
-- a week's or month's rows read only its own plays, a year's only `silver.int_play_years`.
-- materialized: partitioned
-- event_time: period_start
-- rebuild: months where period_type IN ('week', 'month')
-- lookup: silver.int_album_names (album_key)
-- key: listener_id, period, album_key
-- check: not_null(period_type, rank, rank_by_minutes, plays, album_name)
-- check: accepted_values(period_type: week, month, year, all)
WITH grouped AS (
  -- Weeks and months from every stream in one pass (grouping sets), each grouped by the day
  -- it starts (a date groups faster than its label, made once per row below); years and all
  -- time summed from silver.int_play_years.
  SELECT listener_id, CASE WHEN grouping(week_start) = 0 THEN 'week' ELSE 'month' END AS period_type,
    CASE WHEN grouping(week_start) = 0 THEN week_start ELSE month_start END AS period_start, album_key,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM (
    SELECT listener_id, album_key, counts_as_play, ms_played,
      CAST(date_trunc('week', {{ local_time(ended_at) }}) AS DATE) AS week_start,
      CAST(date_trunc('month', {{ local_time(ended_at) }}) AS DATE) AS month_start
    FROM silver.fct_play
    WHERE {{ partition_window(ended_at) }} AND content_type = 'track' AND album_key IS NOT NULL
  ) AS streams
  GROUP BY GROUPING SETS ((listener_id, week_start, album_key), (listener_id, month_start, album_key))
  UNION ALL
  SELECT listener_id, 'year', year_start, album_key, CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE {{ partition_years(year_start) }} AND album_key IS NOT NULL
  GROUP BY listener_id, year_start, album_key
  UNION ALL
  SELECT listener_id, 'all', CAST(NULL AS DATE), album_key, CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE album_key IS NOT NULL
  GROUP BY listener_id, album_key
),
-- Each album named, and its place in the order of the keys: ties are broken by that number.
keys AS (
  SELECT album_key, album_name, artist_name, row_number() OVER (ORDER BY album_key) AS key_order
  FROM silver.int_album_names
),
-- Ranked on numbers alone (the names join after): sorting text made most of this model's time.
ranked AS (
  SELECT g.listener_id, g.period_type, g.period_start, k.key_order, g.plays, g.ms_played,
    row_number() OVER (PARTITION BY g.listener_id, g.period_type, g.period_start ORDER BY g.plays DESC, g.ms_played DESC, k.key_order) AS rank,
    row_number() OVER (PARTITION BY g.listener_id, g.period_type, g.period_start ORDER BY g.ms_played DESC, g.plays DESC, k.key_order) AS rank_by_minutes
  FROM grouped AS g
  JOIN keys AS k USING (album_key)
)
SELECT r.listener_id, r.period_type,
  CASE r.period_type
    WHEN 'week' THEN {{ iso_week(r.period_start) }}
    WHEN 'month' THEN {{ year_month(r.period_start) }}
    WHEN 'year' THEN CAST(year(r.period_start) AS STRING)
    ELSE 'all'
  END AS period,
  r.period_start, k.album_key, k.album_name, k.artist_name, r.plays, {{ minutes(r.ms_played) }} AS minutes,
  CAST(r.rank AS BIGINT) AS rank, CAST(r.rank_by_minutes AS BIGINT) AS rank_by_minutes
FROM ranked AS r
JOIN keys AS k USING (key_order)
