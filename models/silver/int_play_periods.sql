-- Every stream once per period it belongs to: its ISO week and its month (both cut in the
-- user's time zone). The top lists group this by period (their years and all time are summed
-- from silver.int_play_years); being a view, it costs nothing until they read it. Each branch
-- reads silver.fct_play itself (no shared CTE), so a filter on `ended_at` reaches the Parquet
-- scan and skips the years it excludes.
-- Period labels: week `2026-W47` (weeks start on Monday), month `2026-11`.
-- depends_on: silver.fct_play
-- materialized: view
-- event_time: ended_at
SELECT 'week' AS period_type, {{ iso_week({{ local_time(ended_at) }}) }} AS period,
  CAST(date_trunc('week', {{ local_time(ended_at) }}) AS DATE) AS period_start, *
FROM silver.fct_play
UNION ALL
SELECT 'month', {{ year_month({{ local_time(ended_at) }}) }},
  CAST(date_trunc('month', {{ local_time(ended_at) }}) AS DATE), *
FROM silver.fct_play
