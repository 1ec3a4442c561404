-- Every stream once per period it belongs to: its ISO week, month, year (all cut in the user's
-- time zone) and "all time". The top lists group this by period; being a view, it costs
-- nothing until they read it. Each branch reads silver.fct_play itself (no shared CTE), so a
-- filter on `ended_at` reaches the Parquet scan and skips the years it excludes.
-- Period labels: week `2026-W47` (weeks start on Monday), month `2026-11`, year `2026`, `all`.
-- depends_on: silver.fct_play
-- materialized: view
-- event_time: ended_at
SELECT 'week' AS period_type, strftime(timezone({{ timezone }}, ended_at), '%G-W%V') AS period,
  CAST(date_trunc('week', timezone({{ timezone }}, ended_at)) AS DATE) AS period_start, *
FROM silver.fct_play
UNION ALL
SELECT 'month', strftime(timezone({{ timezone }}, ended_at), '%Y-%m'),
  CAST(date_trunc('month', timezone({{ timezone }}, ended_at)) AS DATE), *
FROM silver.fct_play
UNION ALL
SELECT 'year', strftime(timezone({{ timezone }}, ended_at), '%Y'),
  CAST(date_trunc('year', timezone({{ timezone }}, ended_at)) AS DATE), *
FROM silver.fct_play
UNION ALL
SELECT 'all', 'all', NULL::DATE, *
FROM silver.fct_play
