-- Per day (user's time zone): which sources saw plays (Spotify's export and API, Last.fm and
-- ListenBrainz), whether a recorded gap touches the day, and how many minutes are real (from
-- an export) or estimated (API, or a scrobble nothing else saw).
-- depends_on: silver.fct_play, bronze.stg_coverage_gaps
-- materialized: partitioned
-- event_time: day
-- key: listener_id, day
WITH plays AS (
  SELECT listener_id, CAST({{ local_time(ended_at) }} AS DATE) AS day, source, ms_played, ms_played_estimated, content_type
  FROM silver.fct_play
  WHERE {{ partition_window(ended_at) }}
),
days AS (
  SELECT listener_id, day,
    bool_or(source LIKE '%api%') AS has_api,
    bool_or(source LIKE '%export_extended%') AS has_export_extended,
    bool_or(source LIKE '%export_account%') AS has_export_account,
    bool_or(source LIKE '%lastfm%') AS has_lastfm,
    bool_or(source LIKE '%listenbrainz%') AS has_listenbrainz,
    coalesce({{ minutes(sum(ms_played) FILTER (WHERE content_type = 'track' AND NOT ms_played_estimated)) }}, 0) AS minutes_real,
    coalesce({{ minutes(sum(ms_played) FILTER (WHERE content_type = 'track' AND ms_played_estimated)) }}, 0) AS minutes_estimated
  FROM plays GROUP BY listener_id, day
),
gap_days AS (
  SELECT DISTINCT listener_id, CAST(d AS DATE) AS day
  FROM (
    SELECT g.listener_id, {{ explode({{ day_list(date_trunc('day', {{ local_time(g.gap_from) }}), date_trunc('day', {{ local_time(g.gap_to) }})) }}) }} AS d
    FROM bronze.stg_coverage_gaps AS g
  ) AS gap_span
)
SELECT
  coalesce(d.listener_id, g.listener_id) AS listener_id,
  coalesce(d.day, g.day) AS day,
  coalesce(d.has_api, false) AS has_api,
  coalesce(d.has_export_extended, false) AS has_export_extended,
  coalesce(d.has_export_account, false) AS has_export_account,
  coalesce(d.has_lastfm, false) AS has_lastfm,
  coalesce(d.has_listenbrainz, false) AS has_listenbrainz,
  g.day IS NOT NULL AS has_gap,
  coalesce(d.minutes_real, 0) AS minutes_real,
  coalesce(d.minutes_estimated, 0) AS minutes_estimated
FROM days AS d
FULL OUTER JOIN gap_days AS g ON g.listener_id = d.listener_id AND g.day = d.day
