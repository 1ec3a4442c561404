-- gold.coverage_daily, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH plays AS (
  SELECT listener_id, CAST(CAST(ended_at AS TIMESTAMP_NTZ) AS DATE) AS day, source, ms_played, ms_played_estimated, content_type
  FROM silver__fct_play
  WHERE TRUE
),
days AS (
  SELECT listener_id, day,
    bool_or(source LIKE '%api%') AS has_api,
    bool_or(source LIKE '%export_extended%') AS has_export_extended,
    bool_or(source LIKE '%export_account%') AS has_export_account,
    bool_or(source LIKE '%lastfm%') AS has_lastfm,
    bool_or(source LIKE '%listenbrainz%') AS has_listenbrainz,
    coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'track' AND NOT ms_played_estimated) AS DOUBLE) / 600) / 100, 0) AS minutes_real,
    coalesce(round(CAST(sum(ms_played) FILTER (WHERE content_type = 'track' AND ms_played_estimated) AS DOUBLE) / 600) / 100, 0) AS minutes_estimated
  FROM plays GROUP BY listener_id, day
),
gap_days AS (
  SELECT DISTINCT listener_id, CAST(d AS DATE) AS day
  FROM (
    SELECT g.listener_id, explode(sequence(date_trunc('day', CAST(g.gap_from AS TIMESTAMP_NTZ)), date_trunc('day', CAST(g.gap_to AS TIMESTAMP_NTZ)), INTERVAL 1 DAY)) AS d
    FROM bronze__stg_coverage_gaps AS g
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
