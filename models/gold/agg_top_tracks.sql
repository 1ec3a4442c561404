-- Top tracks per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes. A track is its `track_key` (silver.dim_track): the URI when known, else its names.
-- depends_on: silver.int_play_periods
-- key: period, track_key
-- check: not_null(period_type, rank, plays, track_name)
-- check: accepted_values(period_type: week, month, year, all)
SELECT
  period_type,
  period,
  any_value(period_start) AS period_start,
  track_key,
  max(track_uri) AS track_uri,
  any_value(track_name) AS track_name,
  any_value(artist_name) AS artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(sum(ms_played) / 60000.0, 2) AS minutes,
  row_number() OVER (PARTITION BY period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, track_key) AS rank
FROM silver.int_play_periods
WHERE content_type = 'track' AND track_name IS NOT NULL
GROUP BY period_type, period, track_key
