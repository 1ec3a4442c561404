-- One row per real stream, with where it came from (`source`: api, export_account,
-- export_extended, or several joined by "+", in that order).
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
-- 5. Other histories (bronze.stg_listens: Last.fm scrobbles, ListenBrainz listens), which
--    carry when listening began and names, no length: first a ListenBrainz listen and a
--    Last.fm scrobble of the same names (silver's match_name: case, punctuation and spacing
--    aside) within 2 minutes of each other are one (ListenBrainz often imports Last.fm); then
--    such a listen and a Spotify play of 30 s or more are one when the names agree (the track
--    the same, the artist the same or one containing the other: "A" and "A feat. B") and the
--    listen began between 5 minutes before the play's start (`ended_at - ms_played`; a pause
--    moves that start later) and 2 minutes after it ended. Nearest starts pair first, in two
--    rounds, so back-to-back repeats of a song pair in order. A matched play keeps Spotify's
--    row and adds the history to `source`; a listen left over is a play of its own, its
--    length the file's track length or, when the file has none (Last.fm never does),
--    3.5 minutes, a typical song; either way flagged `ms_played_estimated`.
-- Account data is read through silver.int_account_streams, which tells the podcasts in legacy
-- files from the music, and the streams Spotify can no longer name ("Unknown Artist" /
-- "Unknown Track"): those are content type `unknown`, as extended-history rows with no
-- metadata at all are. Unknown content is counted only as unidentified listening, never as
-- music (gold filters on `content_type = 'track'`).
-- `ms_played` is real whenever an export saw the play; for API-only plays it is estimated as
-- the track's duration, capped by the time since the previous play ended, and flagged.
-- `track_key` joins silver.dim_track: the URI when the play carried one or its names were ever
-- seen with one, else a synthetic key (silver.int_name_links); `artist_key` and `album_key` are
-- its track's.
-- Partitioned by the year of `ended_at` (WRAPPED_TIMEZONE): a build rebuilds the years whose
-- inputs changed, reading its inputs 8 days either side (every rule above looks at most 10 s,
-- a minute, or the previous API play away; a predecessor further back than that changes no
-- estimate, as no track lasts days). New names and tracks in the lookups only concern new plays.
-- materialized: partitioned
-- event_time: ended_at
-- lookup: silver.int_name_links (artist_name = coalesce(artist_name, ''), name = track_name)
-- lookup: silver.int_track_names (track_key)
-- depends_on: bronze.stg_export_streams, silver.int_account_streams, bronze.stg_api_recently_played, bronze.stg_listens, silver.int_name_links, silver.int_track_names
-- key: play_id
-- check: not_null(user_id, ended_at, content_type, source, ms_played, ms_played_estimated)
-- check: accepted_values(content_type: track, episode, audiobook, unknown)
-- check: accepted_values(source: api, api+lastfm, api+listenbrainz, api+lastfm+listenbrainz, export_account, export_account+lastfm, export_account+listenbrainz, export_account+lastfm+listenbrainz, export_extended, export_extended+lastfm, export_extended+listenbrainz, export_extended+lastfm+listenbrainz, api+export_account, api+export_account+lastfm, api+export_account+listenbrainz, api+export_account+lastfm+listenbrainz, api+export_extended, api+export_extended+lastfm, api+export_extended+listenbrainz, api+export_extended+lastfm+listenbrainz, export_account+export_extended, export_account+export_extended+lastfm, export_account+export_extended+listenbrainz, export_account+export_extended+lastfm+listenbrainz, api+export_account+export_extended, api+export_account+export_extended+lastfm, api+export_account+export_extended+listenbrainz, api+export_account+export_extended+lastfm+listenbrainz, lastfm, listenbrainz, lastfm+listenbrainz)
-- check: expression(ms_played >= 0)
-- check: relationships(track_key -> silver.dim_track.track_key)
-- check: relationships(artist_key -> silver.dim_artist.artist_key)
-- check: relationships(album_key -> silver.dim_album.album_key)
WITH ext AS (
  -- Rows sharing a natural key can differ in what the key leaves out (platform, reasons...):
  -- the newest export wins, then every column this model keeps, so any build picks the same row.
  SELECT * FROM bronze.stg_export_streams
  WHERE {{ partition_window(ended_at) }}
  QUALIFY row_number() OVER (
    PARTITION BY stream_key
    ORDER BY _load_id DESC, _source_file, content_type, track_name NULLS LAST,
      artist_name NULLS LAST, album_name NULLS LAST, episode_uri NULLS LAST, show_name NULLS LAST,
      episode_name NULLS LAST, reason_start NULLS LAST, reason_end NULLS LAST, skipped NULLS LAST,
      shuffle NULLS LAST, offline NULLS LAST, incognito NULLS LAST, platform NULLS LAST,
      conn_country NULLS LAST
  ) = 1
),
acct AS (
  SELECT * FROM silver.int_account_streams
  WHERE {{ partition_window(ended_minute) }}
  QUALIFY row_number() OVER (PARTITION BY stream_key ORDER BY _load_id DESC, _source_file) = 1
),
api AS (
  SELECT * FROM bronze.stg_api_recently_played
  WHERE {{ partition_window(played_at) }}
  QUALIFY row_number() OVER (PARTITION BY track_uri, played_at ORDER BY _load_id, _source_file) = 1
),
ext_k AS (
  SELECT stream_key, date_trunc('minute', ended_at) AS minute,
    coalesce(artist_name, show_name, '') AS who, coalesce(track_name, episode_name, '') AS what, ms_played,
    row_number() OVER (PARTITION BY date_trunc('minute', ended_at), coalesce(artist_name, show_name, ''), coalesce(track_name, episode_name, ''), ms_played ORDER BY stream_key) AS n
  FROM ext
),
acct_k AS (
  SELECT stream_key, ended_minute AS minute,
    coalesce(artist_name, show_name, '') AS who, coalesce(track_name, episode_name, '') AS what, ms_played,
    row_number() OVER (PARTITION BY ended_minute, coalesce(artist_name, show_name, ''), coalesce(track_name, episode_name, ''), ms_played ORDER BY stream_key) AS n
  FROM acct
),
acct_to_ext_named AS (
  SELECT a.stream_key AS acct_key, e.stream_key AS ext_key
  FROM acct_k AS a JOIN ext_k AS e USING (minute, who, what, ms_played, n)
),
-- Spotify renames tracks between exports (case, "- Remastered"), so what the names left
-- unpaired pairs by the minute and `ms_played` alone: only above 0 ms, which is too common to
-- tell plays apart. Repeats in one minute pair in order.
acct_rest AS (
  SELECT stream_key, minute, ms_played,
    row_number() OVER (PARTITION BY minute, ms_played ORDER BY stream_key) AS n
  FROM acct_k
  WHERE ms_played > 0 AND stream_key NOT IN (SELECT acct_key FROM acct_to_ext_named)
),
ext_rest AS (
  SELECT stream_key, minute, ms_played,
    row_number() OVER (PARTITION BY minute, ms_played ORDER BY stream_key) AS n
  FROM ext_k
  WHERE ms_played > 0 AND stream_key NOT IN (SELECT ext_key FROM acct_to_ext_named)
),
acct_to_ext AS (
  SELECT * FROM acct_to_ext_named
  UNION ALL
  SELECT a.stream_key, e.stream_key
  FROM acct_rest AS a JOIN ext_rest AS e USING (minute, ms_played, n)
),
api_ext AS (
  SELECT a.track_uri, a.played_at, e.stream_key AS ext_key, abs({{ epoch_ms(a.played_at) }} - {{ epoch_ms(e.ended_at) }}) AS d
  FROM api AS a
  JOIN ext AS e ON e.track_uri = a.track_uri
    AND e.ms_played >= 30000 AND NOT coalesce(e.incognito, false)
    AND e.ended_at BETWEEN a.played_at - INTERVAL 10 SECOND AND a.played_at + INTERVAL 10 SECOND
  QUALIFY row_number() OVER (PARTITION BY a.track_uri, a.played_at ORDER BY d, e.stream_key) = 1
),
api_to_ext AS (
  SELECT * FROM api_ext QUALIFY row_number() OVER (PARTITION BY ext_key ORDER BY d, played_at) = 1
),
acct_free AS (
  SELECT * FROM acct WHERE stream_key NOT IN (SELECT acct_key FROM acct_to_ext)
),
api_free AS (
  SELECT a.* FROM api AS a
  WHERE NOT EXISTS (SELECT 1 FROM api_to_ext AS m WHERE m.track_uri = a.track_uri AND m.played_at = a.played_at)
),
api_n AS (
  SELECT track_uri, played_at, date_trunc('minute', played_at) AS minute, artist_name AS who, track_name AS what,
    row_number() OVER (PARTITION BY date_trunc('minute', played_at), artist_name, track_name ORDER BY played_at) AS n
  FROM api_free
),
acct_n AS (
  SELECT stream_key, ended_minute AS minute, artist_name AS who, track_name AS what,
    row_number() OVER (PARTITION BY ended_minute, artist_name, track_name ORDER BY ms_played, stream_key) AS n
  FROM acct_free WHERE NOT is_podcast AND ms_played >= 30000
),
api_to_acct AS (
  SELECT p.track_uri, p.played_at, c.stream_key AS acct_key
  FROM api_n AS p JOIN acct_n AS c USING (minute, who, what, n)
),
spotify_plays AS (
  SELECT
    'ext|' || e.stream_key AS origin_key, e.ended_at, e.content_type,
    e.track_uri, e.track_name, e.artist_name, e.album_name, e.episode_uri, e.show_name, e.episode_name,
    e.ms_played, false AS ms_played_estimated,
    concat_ws('+', CASE WHEN m.ext_key IS NOT NULL THEN 'api' END, CASE WHEN c.ext_key IS NOT NULL THEN 'export_account' END, 'export_extended') AS source,
    e.reason_start, e.reason_end, e.skipped, e.shuffle, e.offline, e.incognito, e.platform, e.conn_country
  FROM ext AS e
  LEFT JOIN api_to_ext AS m ON m.ext_key = e.stream_key
  LEFT JOIN acct_to_ext AS c ON c.ext_key = e.stream_key
  UNION ALL
  SELECT
    'acct|' || c.stream_key, coalesce(p.played_at, c.ended_minute),
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
  LEFT JOIN api_to_acct AS p ON p.acct_key = c.stream_key
  UNION ALL
  SELECT
    'api|' || a.track_uri || '|' || {{ utc_iso_ms(a.played_at) }}, a.played_at, 'track',
    a.track_uri, a.track_name, a.artist_name, a.album_name, NULL, NULL, NULL,
    CAST(least(a.duration_ms, coalesce({{ epoch_ms(a.played_at) }} - {{ epoch_ms(lag(a.played_at) OVER (ORDER BY a.played_at)) }}, a.duration_ms)) AS BIGINT),
    true, 'api',
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM api_free AS a
  WHERE NOT EXISTS (SELECT 1 FROM api_to_acct AS p WHERE p.track_uri = a.track_uri AND p.played_at = a.played_at)
),
-- 5. Other histories.
-- A listen in several exports (its key holds the minute): the time to the second wins over the
-- minute alone (lastfm-to-csv's), then the newest export.
lis AS (
  SELECT * FROM bronze.stg_listens
  WHERE {{ partition_window(listened_at) }}
  QUALIFY row_number() OVER (PARTITION BY listen_key ORDER BY listened_at DESC, _load_id DESC, _source_file) = 1
),
lis_k AS (
  SELECT listen_key, source, listened_at, {{ epoch_ms(listened_at) }} AS at_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM lis
),
lb_lfm AS (
  SELECT b.listen_key AS lb_key, f.listen_key AS lfm_key, abs(b.at_ms - f.at_ms) AS d
  FROM lis_k AS b
  JOIN lis_k AS f ON b.source = 'listenbrainz' AND f.source = 'lastfm' AND f.who = b.who AND f.what = b.what
    AND f.listened_at BETWEEN b.listened_at - INTERVAL 120 SECOND AND b.listened_at + INTERVAL 120 SECOND
  QUALIFY row_number() OVER (PARTITION BY b.listen_key ORDER BY d, f.listen_key) = 1
),
lb_to_lfm AS (
  SELECT * FROM lb_lfm QUALIFY row_number() OVER (PARTITION BY lfm_key ORDER BY d, lb_key) = 1
),
-- One row per listen of the other histories, whichever of them saw it.
other AS (
  SELECT f.listen_key, f.listened_at, f.artist_name, f.track_name, f.album_name,
    coalesce(f.duration_ms, b.duration_ms) AS duration_ms, coalesce(f.track_uri, b.track_uri) AS track_uri,
    CASE WHEN m.lb_key IS NULL THEN 'lastfm' ELSE 'lastfm+listenbrainz' END AS source
  FROM lis AS f
  LEFT JOIN lb_to_lfm AS m ON m.lfm_key = f.listen_key
  LEFT JOIN lis AS b ON b.listen_key = m.lb_key
  WHERE f.source = 'lastfm'
  UNION ALL
  SELECT b.listen_key, b.listened_at, b.artist_name, b.track_name, b.album_name, b.duration_ms, b.track_uri, 'listenbrainz'
  FROM lis AS b
  WHERE b.source = 'listenbrainz' AND b.listen_key NOT IN (SELECT lb_key FROM lb_to_lfm)
),
other_k AS (
  SELECT listen_key, listened_at, {{ epoch_ms(listened_at) }} AS at_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM other
),
spotify_k AS (
  SELECT origin_key, ended_at, {{ epoch_ms(ended_at) }} - ms_played AS start_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM spotify_plays
  WHERE content_type = 'track' AND ms_played >= 30000 AND track_name IS NOT NULL
),
listen_spotify_pairs AS (
  SELECT o.listen_key, p.origin_key, abs(o.at_ms - p.start_ms) AS d
  FROM other_k AS o
  JOIN spotify_k AS p ON p.what = o.what
    AND (p.who = o.who OR instr(o.who, p.who) > 0 OR instr(p.who, o.who) > 0)
    AND o.listened_at BETWEEN p.ended_at - INTERVAL 2 DAY AND p.ended_at + INTERVAL 120 SECOND
    AND o.at_ms >= p.start_ms - 300000
),
round_1 AS (
  SELECT * FROM (
    SELECT * FROM listen_spotify_pairs
    QUALIFY row_number() OVER (PARTITION BY listen_key ORDER BY d, origin_key) = 1
  ) AS nearest QUALIFY row_number() OVER (PARTITION BY origin_key ORDER BY d, listen_key) = 1
),
round_2 AS (
  SELECT * FROM (
    SELECT * FROM listen_spotify_pairs
    WHERE listen_key NOT IN (SELECT listen_key FROM round_1)
      AND origin_key NOT IN (SELECT origin_key FROM round_1)
    QUALIFY row_number() OVER (PARTITION BY listen_key ORDER BY d, origin_key) = 1
  ) AS nearest QUALIFY row_number() OVER (PARTITION BY origin_key ORDER BY d, listen_key) = 1
),
listen_to_spotify AS (
  SELECT r.origin_key, o.source
  FROM (SELECT * FROM round_1 UNION ALL SELECT * FROM round_2) AS r
  JOIN other AS o USING (listen_key)
),
plays AS (
  SELECT p.origin_key, p.ended_at, p.content_type,
    p.track_uri, p.track_name, p.artist_name, p.album_name, p.episode_uri, p.show_name, p.episode_name,
    p.ms_played, p.ms_played_estimated,
    concat_ws('+', p.source, m.source) AS source,
    p.reason_start, p.reason_end, p.skipped, p.shuffle, p.offline, p.incognito, p.platform, p.conn_country
  FROM spotify_plays AS p
  LEFT JOIN listen_to_spotify AS m USING (origin_key)
  UNION ALL
  SELECT 'lis|' || o.listen_key,
    {{ from_epoch_ms({{ epoch_ms(o.listened_at) }} + coalesce(o.duration_ms, 210000)) }},
    'track', o.track_uri, o.track_name, o.artist_name, o.album_name, NULL, NULL, NULL,
    coalesce(o.duration_ms, 210000), true, o.source,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM other AS o
  WHERE o.listen_key NOT IN (SELECT listen_key FROM round_1 UNION ALL SELECT listen_key FROM round_2)
),
-- The keys (a CTE first: joining on a computed key keeps both joins hash joins).
keyed AS (
  SELECT p.*,
    CASE WHEN p.content_type = 'track' THEN coalesce(p.track_uri, lt.key) END AS track_key
  FROM plays AS p
  LEFT JOIN (SELECT artist_name, name, key FROM silver.int_name_links WHERE kind = 'track') AS lt
    ON lt.name = p.track_name AND lt.artist_name = coalesce(p.artist_name, '')
)
SELECT
  md5(k.origin_key) AS play_id,
  'me' AS user_id,
  k.ended_at,
  k.content_type,
  k.track_uri,
  k.track_name,
  k.artist_name,
  k.album_name,
  k.episode_uri,
  k.show_name,
  k.episode_name,
  k.track_key,
  d.artist_key,
  d.album_key,
  k.ms_played,
  k.ms_played_estimated,
  k.ms_played >= 30000 AS counts_as_play,
  k.source,
  k.reason_start,
  k.reason_end,
  k.skipped,
  k.shuffle,
  k.offline,
  k.incognito,
  k.platform,
  k.conn_country
FROM keyed AS k
LEFT JOIN (SELECT track_key, artist_key, album_key FROM silver.int_track_names) AS d USING (track_key)
