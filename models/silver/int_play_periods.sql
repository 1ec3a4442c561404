-- Every stream once per period it belongs to: its ISO week, month, year (all cut in the user's
-- time zone) and "all time". The top lists group this by period; being a view, it costs
-- nothing until they read it.
-- Period labels: week `2026-W47` (weeks start on Monday), month `2026-11`, year `2026`, `all`.
-- depends_on: silver.fct_play
-- materialized: view
WITH local AS (
  SELECT *, timezone({{ timezone }}, ended_at) AS ended_local FROM silver.fct_play
)
SELECT 'week' AS period_type, strftime(ended_local, '%G-W%V') AS period,
  CAST(date_trunc('week', ended_local) AS DATE) AS period_start, * EXCLUDE (ended_local)
FROM local
UNION ALL
SELECT 'month', strftime(ended_local, '%Y-%m'), CAST(date_trunc('month', ended_local) AS DATE), * EXCLUDE (ended_local)
FROM local
UNION ALL
SELECT 'year', strftime(ended_local, '%Y'), CAST(date_trunc('year', ended_local) AS DATE), * EXCLUDE (ended_local)
FROM local
UNION ALL
SELECT 'all', 'all', NULL::DATE, * EXCLUDE (ended_local)
FROM local
