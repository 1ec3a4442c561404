-- Streaks: runs of consecutive days (user's time zone) with at least one music play. One row
-- per streak, single days included. Today's streak is the one whose last day is today or
-- yesterday (it can still grow); that depends on the clock, so readers decide it.
-- depends_on: gold.agg_daily_listening
-- key: listener_id, streak_start
-- check: not_null(streak_end, days, plays)
-- check: expression(days >= 1 AND streak_end >= streak_start)
WITH listening AS (
  SELECT listener_id, day, plays, minutes,
    day - CAST(row_number() OVER (PARTITION BY listener_id ORDER BY day) AS INTEGER) AS island
  FROM gold.agg_daily_listening WHERE plays > 0
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
