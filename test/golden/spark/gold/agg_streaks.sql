-- gold.agg_streaks, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH listening AS (
  SELECT listener_id, day, plays, minutes,
    day - CAST(row_number() OVER (PARTITION BY listener_id ORDER BY day) AS INTEGER) AS island
  FROM gold__agg_daily_listening WHERE plays > 0
)
SELECT
  listener_id,
  min(day) AS streak_start,
  max(day) AS streak_end,
  count(*) AS days,
  sum(plays) AS plays,
  round(sum(minutes), 2) AS minutes
FROM listening
GROUP BY listener_id, island
