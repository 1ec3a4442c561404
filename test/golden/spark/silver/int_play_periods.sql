-- silver.int_play_periods, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT 'week' AS period_type, concat(CAST(year(date_add(CAST(date_trunc('WEEK', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE), 3)) AS STRING), '-W', lpad(CAST(weekofyear(CAST(ended_at AS TIMESTAMP_NTZ)) AS STRING), 2, '0')) AS period,
  CAST(date_trunc('week', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE) AS period_start, *
FROM silver__fct_play
UNION ALL
SELECT 'month', date_format(CAST(ended_at AS TIMESTAMP_NTZ), 'yyyy-MM'),
  CAST(date_trunc('month', CAST(ended_at AS TIMESTAMP_NTZ)) AS DATE), *
FROM silver__fct_play
