-- Top tracks per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes (`rank`), and by minutes, then plays (`rank_by_minutes`); ties then by the name or key.
-- A track is its `track_key` (silver.dim_track): the URI when known, else its names; it is named
-- as silver.dim_track names it (one name per track, whichever build made it).
-- depends_on: silver.int_play_periods, silver.int_play_years, silver.int_track_names
-- Partitioned by the year of `period_start`; the `all` rows have none and are rebuilt on
-- any change (runner.ts). A week belongs to the year it starts in.
-- materialized: partitioned
-- event_time: period_start
-- lookup: silver.int_track_names (track_key)
-- key: listener_id, period, track_key
-- check: not_null(period_type, rank, rank_by_minutes, plays, track_name)
-- check: accepted_values(period_type: week, month, year, all)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, track_key,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver.int_play_periods
  WHERE period_type IN ('week', 'month') AND {{ partition_window(ended_at) }} AND content_type = 'track' AND track_name IS NOT NULL
  GROUP BY listener_id, period_type, period, track_key
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, track_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE {{ partition_window(year_start) }} AND named
  GROUP BY listener_id, year_start, track_key
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), track_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE named
  GROUP BY listener_id, track_key
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, track_key, plays,
    {{ minutes(ms_played) }} AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, track_key) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, track_key) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT r.listener_id, r.period_type, r.period, r.period_start, r.track_key, d.track_uri, d.track_name,
  d.artist_name, r.plays, r.minutes, r.rank, r.rank_by_minutes
FROM ranked AS r
JOIN silver.int_track_names AS d USING (track_key)
