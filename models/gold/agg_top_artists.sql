-- Top artists per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes (`rank`), and by minutes, then plays (`rank_by_minutes`); ties then by the name or key.
-- `period` is `2026-W47`, `2026-11`, `2026` or `all`; `period_type` says which.
-- depends_on: silver.int_play_periods
-- Partitioned by the year of `period_start`; the `all` rows have none and are rebuilt on
-- any change (runner.ts). A week belongs to the year it starts in.
-- materialized: partitioned
-- event_time: period_start
-- key: listener_id, period, artist_name
-- check: not_null(period_type, rank, rank_by_minutes, plays, minutes)
-- check: accepted_values(period_type: week, month, year, all)
SELECT
  listener_id,
  period_type,
  period,
  any_value(period_start) AS period_start,
  artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  {{ minutes(sum(ms_played)) }} AS minutes,
  CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, artist_name) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY sum(ms_played) DESC, count(*) FILTER (WHERE counts_as_play) DESC, artist_name) AS BIGINT) AS rank_by_minutes
FROM silver.int_play_periods
WHERE (period_type = 'all' OR {{ partition_window(ended_at) }}) AND content_type = 'track' AND artist_name IS NOT NULL
GROUP BY listener_id, period_type, period, artist_name
