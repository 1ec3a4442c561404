-- silver.int_spotify_plays, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH ext_repeated AS (
  -- The keys more than one row has: an export read twice, overlapping exports (usually none).
  SELECT listener_id, stream_key FROM bronze__stg_export_streams
  WHERE TRUE
  GROUP BY listener_id, stream_key HAVING count(*) > 1
),
-- Read where it is used (three times), not held: it is every stream, and each read takes only
-- the columns it needs.
ext AS  (
  -- A key of one row is that row. Only the repeated ones are ranked: a window over every
  -- stream, sorting by every column, was a third of fct_play's build at 500k streams. (Keys
  -- are never null, so the two halves are all of the rows.)
  SELECT *, listener_id || '|' || stream_key AS skey FROM bronze__stg_export_streams
  WHERE TRUE
    AND (listener_id, stream_key) NOT IN (SELECT listener_id, stream_key FROM ext_repeated)
  UNION ALL
  -- Rows sharing a natural key can differ in what the key leaves out (platform, reasons...):
  -- the newest export wins, then every column this model keeps, so any build picks the same row.
  SELECT *, listener_id || '|' || stream_key AS skey FROM bronze__stg_export_streams
  WHERE TRUE
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
  SELECT *, listener_id || '|' || stream_key AS skey FROM silver__int_account_streams
  WHERE TRUE
  QUALIFY row_number() OVER (PARTITION BY listener_id, stream_key ORDER BY _load_id DESC, _source_file) = 1
),
api AS (
  SELECT * FROM bronze__stg_api_recently_played
  WHERE TRUE
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
  SELECT a.listener_id, a.track_uri, a.played_at, e.skey AS ext_key, abs(unix_millis(a.played_at) - unix_millis(e.ended_at)) AS d
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
  a.listener_id, 'api|' || a.listener_id || '|' || a.track_uri || '|' || date_format(convert_timezone('Europe/Berlin', 'UTC', CAST(a.played_at AS TIMESTAMP_NTZ)), 'yyyy-MM-dd''T''HH:mm:ss.SSS'), a.played_at, 'track',
  a.track_uri, a.track_name, a.artist_name, a.album_name, NULL, NULL, NULL,
  CAST(least(a.duration_ms, coalesce(unix_millis(a.played_at) - unix_millis(lag(a.played_at) OVER (PARTITION BY a.listener_id ORDER BY a.played_at)), a.duration_ms)) AS BIGINT),
  true, 'api',
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM api_free AS a
WHERE NOT EXISTS (
  SELECT 1 FROM api_to_acct AS p
  WHERE p.listener_id = a.listener_id AND p.track_uri = a.track_uri AND p.played_at = a.played_at
)
