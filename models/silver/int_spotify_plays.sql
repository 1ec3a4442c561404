-- Spotify's own plays, one row per real stream, with where it came from (`source`: api,
-- export_account, export_extended, or several joined by "+", in that order). silver.fct_play
-- adds the other histories (Last.fm, ListenBrainz) to these and keys them to the catalogue.
-- On Spark it is a table of its own, so that these rules are computed once (Spark would compute
-- them again for each path of fct_play that reads them). On DuckDB it is ephemeral: fct_play
-- runs this SQL as a CTE, for the same years, which saves writing and reading back 500,000 rows
-- at 500k streams (0.4-0.5 s of a full build). Its rows are checked as silver.fct_play's: one
-- play each, `play_id` being md5(`origin_key`).
--
-- Matching rules (the same listening seen by several sources becomes one row):
-- 1. Extended history rows are distinct by their natural key (src/importer/natural-key.ts):
--    exact duplicate records, and the same record in overlapping exports, collapse.
-- 2. Account data vs extended: `endTime` equal to `ts` truncated to the minute and the same
--    ms played; with the same artist/show and track/episode names first, then (for what is
--    left, above 0 ms) by the minute and ms played alone, since Spotify renames tracks between
--    exports. Repeats in one minute pair in order.
-- 3. API vs extended: same track URI, `played_at` within 10 s of `ts` (`ts` is the end of the
--    stream to the second, `played_at` to the millisecond); the nearest pairs first. Only
--    streams the API can show are candidates: 30 s or more, not in a private session (a
--    skipped repeat of the same song a second later must not take the play).
-- 4. API vs account data (for periods no extended history covers): same names, and the
--    account minute equal to `played_at` truncated to the minute.
-- Account data is read through silver.int_account_streams, which tells the podcasts in legacy
-- files from the music, and the streams Spotify can no longer name ("Unknown Artist" /
-- "Unknown Track"): those are content type `unknown`, as extended-history rows with no
-- metadata at all are. Unknown content is counted only as unidentified listening, never as
-- music (gold filters on `content_type = 'track'`).
-- `ms_played` is real whenever an export saw the play; for API-only plays it is estimated as
-- the track's duration, capped by the time since the previous play ended, and flagged.
-- Each listener's sources are matched with each other only: every rule holds within one
-- `listener_id`, and the row keys below (`skey`, `origin_key`) hold the listener.
-- Partitioned by the year of `ended_at` (WRAPPED_TIMEZONE): a build rebuilds the years whose
-- inputs changed, reading its inputs 8 days either side (every rule above looks at most 10 s,
-- a minute, or the previous API play away; a predecessor further back than that changes no
-- estimate, as no track lasts days).
-- materialized: partitioned
-- event_time: ended_at
-- ephemeral_on: duckdb
-- depends_on: bronze.stg_export_streams, silver.int_account_streams, bronze.stg_api_recently_played
WITH ext_repeated AS (
  -- The keys more than one row has: an export read twice, overlapping exports (usually none).
  SELECT listener_id, stream_key FROM bronze.stg_export_streams
  WHERE {{ partition_window(ended_at) }}
  GROUP BY listener_id, stream_key HAVING count(*) > 1
),
-- Read where it is used (three times), not held: it is every stream, and each read takes only
-- the columns it needs.
ext AS {{ not_materialized }} (
  -- A key of one row is that row. Only the repeated ones are ranked: a window over every
  -- stream, sorting by every column, was a third of fct_play's build at 500k streams. (Keys
  -- are never null, so the two halves are all of the rows.)
  SELECT *, listener_id || '|' || stream_key AS skey FROM bronze.stg_export_streams
  WHERE {{ partition_window(ended_at) }}
    AND (listener_id, stream_key) NOT IN (SELECT listener_id, stream_key FROM ext_repeated)
  UNION ALL
  -- Rows sharing a natural key can differ in what the key leaves out (platform, reasons...):
  -- the newest export wins, then every column this model keeps, so any build picks the same row.
  SELECT *, listener_id || '|' || stream_key AS skey FROM bronze.stg_export_streams
  WHERE {{ partition_window(ended_at) }}
    AND (listener_id, stream_key) IN (SELECT listener_id, stream_key FROM ext_repeated)
  QUALIFY row_number() OVER (
    PARTITION BY listener_id, stream_key
    ORDER BY _load_id DESC, _source_file, content_type, track_name NULLS LAST,
      artist_name NULLS LAST, album_name NULLS LAST, episode_uri NULLS LAST, show_name NULLS LAST,
      episode_name NULLS LAST, reason_start NULLS LAST, reason_end NULLS LAST, skipped NULLS LAST,
      shuffle NULLS LAST, offline NULLS LAST, incognito NULLS LAST, platform NULLS LAST,
      conn_country NULLS LAST
  ) = 1
),
acct AS (
  SELECT *, listener_id || '|' || stream_key AS skey FROM silver.int_account_streams
  WHERE {{ partition_window(ended_minute) }}
  QUALIFY row_number() OVER (PARTITION BY listener_id, stream_key ORDER BY _load_id DESC, _source_file) = 1
),
api AS (
  SELECT * FROM bronze.stg_api_recently_played
  WHERE {{ partition_window(played_at) }}
  QUALIFY row_number() OVER (PARTITION BY listener_id, track_uri, played_at ORDER BY _load_id, _source_file) = 1
),
ext_k AS (
  SELECT listener_id, skey, date_trunc('minute', ended_at) AS minute,
    coalesce(artist_name, show_name, '') AS who, coalesce(track_name, episode_name, '') AS what, ms_played,
    row_number() OVER (PARTITION BY listener_id, date_trunc('minute', ended_at), coalesce(artist_name, show_name, ''), coalesce(track_name, episode_name, ''), ms_played ORDER BY skey) AS n
  FROM ext
  -- Only the minutes account data has streams in can pair: a lake without account data, or
  -- the years before it, names no extended row for matching. A (listener, minute) is kept or
  -- dropped whole, so each row's number `n` is the one it has among every row.
  WHERE (listener_id, date_trunc('minute', ended_at)) IN (SELECT listener_id, ended_minute FROM acct)
),
acct_k AS (
  SELECT listener_id, skey, ended_minute AS minute,
    coalesce(artist_name, show_name, '') AS who, coalesce(track_name, episode_name, '') AS what, ms_played,
    row_number() OVER (PARTITION BY listener_id, ended_minute, coalesce(artist_name, show_name, ''), coalesce(track_name, episode_name, ''), ms_played ORDER BY skey) AS n
  FROM acct
),
acct_to_ext_named AS (
  SELECT a.skey AS acct_key, e.skey AS ext_key
  FROM acct_k AS a JOIN ext_k AS e USING (listener_id, minute, who, what, ms_played, n)
),
-- Spotify renames tracks between exports (case, "- Remastered"), so what the names left
-- unpaired pairs by the minute and `ms_played` alone: only above 0 ms, which is too common to
-- tell plays apart. Repeats in one minute pair in order.
acct_rest AS (
  SELECT listener_id, skey, minute, ms_played,
    row_number() OVER (PARTITION BY listener_id, minute, ms_played ORDER BY skey) AS n
  FROM acct_k
  WHERE ms_played > 0 AND skey NOT IN (SELECT acct_key FROM acct_to_ext_named)
),
ext_rest AS (
  SELECT listener_id, skey, minute, ms_played,
    row_number() OVER (PARTITION BY listener_id, minute, ms_played ORDER BY skey) AS n
  FROM ext_k
  WHERE ms_played > 0 AND skey NOT IN (SELECT ext_key FROM acct_to_ext_named)
),
acct_to_ext AS (
  SELECT * FROM acct_to_ext_named
  UNION ALL
  SELECT a.skey, e.skey
  FROM acct_rest AS a JOIN ext_rest AS e USING (listener_id, minute, ms_played, n)
),
api_ext AS (
  SELECT a.listener_id, a.track_uri, a.played_at, e.skey AS ext_key, abs({{ epoch_ms(a.played_at) }} - {{ epoch_ms(e.ended_at) }}) AS d
  FROM api AS a
  JOIN ext AS e ON e.listener_id = a.listener_id AND e.track_uri = a.track_uri
    AND e.ms_played >= 30000 AND NOT coalesce(e.incognito, false)
    AND e.ended_at BETWEEN a.played_at - INTERVAL 10 SECOND AND a.played_at + INTERVAL 10 SECOND
  QUALIFY row_number() OVER (PARTITION BY a.listener_id, a.track_uri, a.played_at ORDER BY d, e.skey) = 1
),
api_to_ext AS (
  SELECT * FROM api_ext QUALIFY row_number() OVER (PARTITION BY ext_key ORDER BY d, played_at) = 1
),
acct_free AS (
  SELECT * FROM acct WHERE skey NOT IN (SELECT acct_key FROM acct_to_ext)
),
api_free AS (
  SELECT a.* FROM api AS a
  WHERE NOT EXISTS (
    SELECT 1 FROM api_to_ext AS m
    WHERE m.listener_id = a.listener_id AND m.track_uri = a.track_uri AND m.played_at = a.played_at
  )
),
api_n AS (
  SELECT listener_id, track_uri, played_at, date_trunc('minute', played_at) AS minute, artist_name AS who, track_name AS what,
    row_number() OVER (PARTITION BY listener_id, date_trunc('minute', played_at), artist_name, track_name ORDER BY played_at) AS n
  FROM api_free
),
acct_n AS (
  SELECT listener_id, skey, ended_minute AS minute, artist_name AS who, track_name AS what,
    row_number() OVER (PARTITION BY listener_id, ended_minute, artist_name, track_name ORDER BY ms_played, skey) AS n
  FROM acct_free WHERE NOT is_podcast AND ms_played >= 30000
),
api_to_acct AS (
  SELECT p.listener_id, p.track_uri, p.played_at, c.skey AS acct_key
  FROM api_n AS p JOIN acct_n AS c USING (listener_id, minute, who, what, n)
)
SELECT
  e.listener_id, 'ext|' || e.skey AS origin_key, e.ended_at, e.content_type,
  e.track_uri, e.track_name, e.artist_name, e.album_name, e.episode_uri, e.show_name, e.episode_name,
  e.ms_played, false AS ms_played_estimated,
  concat_ws('+', CASE WHEN m.ext_key IS NOT NULL THEN 'api' END, CASE WHEN c.ext_key IS NOT NULL THEN 'export_account' END, 'export_extended') AS source,
  e.reason_start, e.reason_end, e.skipped, e.shuffle, e.offline, e.incognito, e.platform, e.conn_country
FROM ext AS e
LEFT JOIN api_to_ext AS m ON m.ext_key = e.skey
LEFT JOIN acct_to_ext AS c ON c.ext_key = e.skey
UNION ALL
SELECT
  c.listener_id, 'acct|' || c.skey, coalesce(p.played_at, c.ended_minute),
  CASE
    WHEN c.is_podcast THEN 'episode'
    WHEN c.file_kind = 'audiobook' THEN 'audiobook'
    WHEN c.is_unidentified THEN 'unknown'
    ELSE 'track'
  END,
  p.track_uri, c.track_name, c.artist_name, NULL, NULL, c.show_name, c.episode_name,
  c.ms_played, false,
  concat_ws('+', CASE WHEN p.acct_key IS NOT NULL THEN 'api' END, 'export_account'),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM acct_free AS c
LEFT JOIN api_to_acct AS p ON p.acct_key = c.skey
UNION ALL
SELECT
  a.listener_id, 'api|' || a.listener_id || '|' || a.track_uri || '|' || {{ utc_iso_ms(a.played_at) }}, a.played_at, 'track',
  a.track_uri, a.track_name, a.artist_name, a.album_name, NULL, NULL, NULL,
  CAST(least(a.duration_ms, coalesce({{ epoch_ms(a.played_at) }} - {{ epoch_ms(lag(a.played_at) OVER (PARTITION BY a.listener_id ORDER BY a.played_at)) }}, a.duration_ms)) AS BIGINT),
  true, 'api',
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM api_free AS a
WHERE NOT EXISTS (
  SELECT 1 FROM api_to_acct AS p
  WHERE p.listener_id = a.listener_id AND p.track_uri = a.track_uri AND p.played_at = a.played_at
)
