-- Top albums per week, month, year and of all time (user's time zone), ranked by plays, then
-- minutes (`rank`), and by minutes, then plays (`rank_by_minutes`); ties then by the name or key.
-- An album is its `album_key` (silver.dim_album), the album of the play's track: plays known from
-- account data alone count once their track is known by URI somewhere.
-- depends_on: silver.int_play_periods, silver.int_play_years, silver.int_album_names
-- Partitioned by the year of `period_start`; the `all` rows have none and are rebuilt on
-- any change (runner.ts). A week belongs to the year it starts in.
-- materialized: partitioned
-- event_time: period_start
-- lookup: silver.int_album_names (album_key)
-- key: listener_id, period, album_key
-- check: not_null(period_type, rank, rank_by_minutes, plays, album_name)
-- check: accepted_values(period_type: week, month, year, all)
WITH grouped AS (
  -- Weeks and months from every stream; years and all time summed from silver.int_play_years.
  SELECT listener_id, period_type, period, any_value(period_start) AS period_start, album_key,
    count(*) FILTER (WHERE counts_as_play) AS plays, sum(ms_played) AS ms_played
  FROM silver.int_play_periods
  WHERE period_type IN ('week', 'month') AND {{ partition_window(ended_at) }} AND content_type = 'track' AND album_key IS NOT NULL
  GROUP BY listener_id, period_type, period, album_key
  UNION ALL
  SELECT listener_id, 'year', CAST(year(year_start) AS STRING), year_start, album_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE {{ partition_window(year_start) }} AND album_key IS NOT NULL
  GROUP BY listener_id, year_start, album_key
  UNION ALL
  SELECT listener_id, 'all', 'all', CAST(NULL AS DATE), album_key,
    CAST(sum(plays) AS BIGINT), CAST(sum(ms_played) AS BIGINT)
  FROM silver.int_play_years
  WHERE album_key IS NOT NULL
  GROUP BY listener_id, album_key
),
ranked AS (
  SELECT listener_id, period_type, period, period_start, album_key, plays,
    {{ minutes(ms_played) }} AS minutes,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY plays DESC, ms_played DESC, album_key) AS BIGINT) AS rank,
    CAST(row_number() OVER (PARTITION BY listener_id, period ORDER BY ms_played DESC, plays DESC, album_key) AS BIGINT) AS rank_by_minutes
  FROM grouped
)
SELECT r.listener_id, r.period_type, r.period, r.period_start, r.album_key, a.album_name, a.artist_name,
  r.plays, r.minutes, r.rank, r.rank_by_minutes
FROM ranked AS r
JOIN silver.int_album_names AS a USING (album_key)
