-- Top albums per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes. An album is its name with its artist: only the extended export and the API name
-- albums, so plays known from account data alone do not count here.
-- depends_on: silver.int_play_periods
-- key: period, album_key
-- check: not_null(period_type, rank, plays, album_name)
-- check: accepted_values(period_type: week, month, year, all)
SELECT
  period_type,
  period,
  any_value(period_start) AS period_start,
  coalesce(artist_name, '') || '/' || album_name AS album_key,
  any_value(album_name) AS album_name,
  any_value(artist_name) AS artist_name,
  count(*) FILTER (WHERE counts_as_play) AS plays,
  round(sum(ms_played) / 60000.0, 2) AS minutes,
  row_number() OVER (PARTITION BY period ORDER BY count(*) FILTER (WHERE counts_as_play) DESC, sum(ms_played) DESC, album_key) AS rank
FROM silver.int_play_periods
WHERE content_type = 'track' AND album_name IS NOT NULL
GROUP BY period_type, period, album_key
