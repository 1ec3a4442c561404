-- Top artists per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes (`rank`), and by minutes, then plays (`rank_by_minutes`); ties then by the name or key.
-- `period` is `2026-W47`, `2026-11`, `2026` or `all`; `period_type` says which.
-- depends_on: silver.int_play_periods, silver.int_play_years
-- Partitioned by the year of `period_start`; the `all` rows have none and are rebuilt on
-- any change (runner.ts). A week belongs to the year it starts in.
-- materialized: partitioned
-- event_time: period_start
-- key: listener_id, period, artist_name
-- check: not_null(period_type, rank, rank_by_minutes, plays, minutes)
-- check: accepted_values(period_type: week, month, year, all)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, artist_name,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver.int_play_periods
  WHERE period_type IN ('week', 'month') AND {{ partition_window(ended_at) }} AND content_type = 'track' AND artist_name IS NOT NULL
  GROUP BY listener_id, period_type, period, artist_name
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, artist_name,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE {{ partition_window(year_start) }} AND artist_name IS NOT NULL
  GROUP BY listener_id, year_start, artist_name
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), artist_name,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE artist_name IS NOT NULL
  GROUP BY listener_id, artist_name
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, artist_name, plays,
    {{ minutes(ms_played) }} AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, artist_name) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, artist_name) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT listener_id, period_type, period, period_start, artist_name, plays, minutes, rank, rank_by_minutes
FROM ranked
