-- One row per real stream, with where it came from (`source`: api, export_account,
-- export_extended, lastfm, listenbrainz, or several joined by "+", in that order).
--
-- Spotify's own plays come matched already (silver.int_spotify_plays, rules 1-4). Then:
-- 5. Other histories (bronze.stg_listens: Last.fm scrobbles, ListenBrainz listens), which
--    carry when listening began and names, no length: first a ListenBrainz listen and a
--    Last.fm scrobble of the same names (the match_name macro: case, punctuation and spacing
--    aside) within 2 minutes of each other are one (ListenBrainz often imports Last.fm); then
--    such a listen and a Spotify play of 30 s or more are one when the names agree (the track
--    the same, the artist the same or one containing the other: "A" and "A feat. B") and the
--    listen began between 5 minutes before the play's start (`ended_at - ms_played`; a pause
--    moves that start later) and 2 minutes after it ended. Nearest starts pair first, in two
--    rounds, so back-to-back repeats of a song pair in order. A matched play keeps Spotify's
--    row and adds the history to `source`; a listen left over is a play of its own, its
--    length the file's track length or, when the file has none (Last.fm never does),
--    3.5 minutes, a typical song; either way flagged `ms_played_estimated`.
-- `track_key` joins silver.dim_track: the URI when the play carried one or its names were ever
-- seen with one, else a synthetic key (silver.int_name_links); `artist_key` and `album_key` are
-- its track's.
-- A listener's listens are matched with their own plays only (every rule within one
-- `listener_id`).
-- Partitioned by the year of `ended_at` (WRAPPED_TIMEZONE), reading its inputs 8 days either
-- side (rule 5 looks minutes away). New names and tracks in the lookups only concern new plays.
-- materialized: partitioned
-- event_time: ended_at
-- rebuild: days
-- lookup: silver.int_name_links (artist_name = coalesce(artist_name, ''), name = track_name)
-- lookup: silver.int_track_names (track_key)
-- depends_on: silver.int_spotify_plays, bronze.stg_listens, silver.int_name_links, silver.int_track_names
-- key: play_id
-- check: not_null(listener_id, user_id, ended_at, content_type, source, ms_played, ms_played_estimated)
-- check: accepted_values(content_type: track, episode, audiobook, unknown)
-- check: accepted_values(source: api, api+lastfm, api+listenbrainz, api+lastfm+listenbrainz, export_account, export_account+lastfm, export_account+listenbrainz, export_account+lastfm+listenbrainz, export_extended, export_extended+lastfm, export_extended+listenbrainz, export_extended+lastfm+listenbrainz, api+export_account, api+export_account+lastfm, api+export_account+listenbrainz, api+export_account+lastfm+listenbrainz, api+export_extended, api+export_extended+lastfm, api+export_extended+listenbrainz, api+export_extended+lastfm+listenbrainz, export_account+export_extended, export_account+export_extended+lastfm, export_account+export_extended+listenbrainz, export_account+export_extended+lastfm+listenbrainz, api+export_account+export_extended, api+export_account+export_extended+lastfm, api+export_account+export_extended+listenbrainz, api+export_account+export_extended+lastfm+listenbrainz, lastfm, listenbrainz, lastfm+listenbrainz)
-- check: expression(ms_played >= 0)
-- check: relationships(track_key -> silver.dim_track.track_key)
-- check: relationships(artist_key -> silver.dim_artist.artist_key)
-- check: relationships(album_key -> silver.dim_album.album_key)
-- Read where it is used, not held: it is every stream (matching reads a few of its columns).
WITH spotify_plays AS {{ not_materialized }} (
  SELECT * FROM silver.int_spotify_plays
  WHERE {{ partition_window(ended_at) }}
),
-- 5. Other histories.
-- A listen in several exports (its key holds the minute): the time to the second wins over the
-- minute alone (lastfm-to-csv's), then the newest export.
-- `lkey` is the listen's key within its listener.
lis AS (
  SELECT *, listener_id || '|' || listen_key AS lkey FROM bronze.stg_listens
  WHERE {{ partition_window(listened_at) }}
  QUALIFY row_number() OVER (PARTITION BY listener_id, listen_key ORDER BY listened_at DESC, _load_id DESC, _source_file) = 1
),
lis_k AS (
  SELECT listener_id, lkey, source, listened_at, {{ epoch_ms(listened_at) }} AS at_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM lis
),
lb_lfm AS (
  SELECT b.lkey AS lb_key, f.lkey AS lfm_key, abs(b.at_ms - f.at_ms) AS d
  FROM lis_k AS b
  JOIN lis_k AS f ON b.source = 'listenbrainz' AND f.source = 'lastfm' AND f.listener_id = b.listener_id
    AND f.who = b.who AND f.what = b.what
    AND f.listened_at BETWEEN b.listened_at - INTERVAL 120 SECOND AND b.listened_at + INTERVAL 120 SECOND
  QUALIFY row_number() OVER (PARTITION BY b.lkey ORDER BY d, f.lkey) = 1
),
lb_to_lfm AS (
  SELECT * FROM lb_lfm QUALIFY row_number() OVER (PARTITION BY lfm_key ORDER BY d, lb_key) = 1
),
-- One row per listen of the other histories, whichever of them saw it.
other AS (
  SELECT f.listener_id, f.lkey, f.listened_at, f.artist_name, f.track_name, f.album_name,
    coalesce(f.duration_ms, b.duration_ms) AS duration_ms, coalesce(f.track_uri, b.track_uri) AS track_uri,
    CASE WHEN m.lb_key IS NULL THEN 'lastfm' ELSE 'lastfm+listenbrainz' END AS source
  FROM lis AS f
  LEFT JOIN lb_to_lfm AS m ON m.lfm_key = f.lkey
  LEFT JOIN lis AS b ON b.lkey = m.lb_key
  WHERE f.source = 'lastfm'
  UNION ALL
  SELECT b.listener_id, b.lkey, b.listened_at, b.artist_name, b.track_name, b.album_name, b.duration_ms, b.track_uri, 'listenbrainz'
  FROM lis AS b
  WHERE b.source = 'listenbrainz' AND b.lkey NOT IN (SELECT lb_key FROM lb_to_lfm)
),
other_k AS (
  SELECT listener_id, lkey, listened_at, {{ epoch_ms(listened_at) }} AS at_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM other
),
-- Only the Spotify plays a listen could match are named for matching (the names cost a regular
-- expression each): none at all in a lake without other histories.
listen_span AS (
  SELECT min(listened_at) - INTERVAL 1 HOUR AS first_at, max(listened_at) + INTERVAL 2 DAY AS last_at FROM other
),
spotify_k AS (
  SELECT listener_id, origin_key, ended_at, {{ epoch_ms(ended_at) }} - ms_played AS start_ms,
    {{ match_name(artist_name) }} AS who, {{ match_name(track_name) }} AS what
  FROM spotify_plays
  JOIN listen_span ON ended_at BETWEEN listen_span.first_at AND listen_span.last_at
  WHERE content_type = 'track' AND ms_played >= 30000 AND track_name IS NOT NULL
),
listen_spotify_pairs AS (
  SELECT o.lkey, p.origin_key, abs(o.at_ms - p.start_ms) AS d
  FROM other_k AS o
  JOIN spotify_k AS p ON p.listener_id = o.listener_id AND p.what = o.what
    AND (p.who = o.who OR instr(o.who, p.who) > 0 OR instr(p.who, o.who) > 0)
    AND o.listened_at BETWEEN p.ended_at - INTERVAL 2 DAY AND p.ended_at + INTERVAL 120 SECOND
    AND o.at_ms >= p.start_ms - 300000
),
round_1 AS (
  SELECT * FROM (
    SELECT * FROM listen_spotify_pairs
    QUALIFY row_number() OVER (PARTITION BY lkey ORDER BY d, origin_key) = 1
  ) AS nearest QUALIFY row_number() OVER (PARTITION BY origin_key ORDER BY d, lkey) = 1
),
round_2 AS (
  SELECT * FROM (
    SELECT * FROM listen_spotify_pairs
    WHERE lkey NOT IN (SELECT lkey FROM round_1)
      AND origin_key NOT IN (SELECT origin_key FROM round_1)
    QUALIFY row_number() OVER (PARTITION BY lkey ORDER BY d, origin_key) = 1
  ) AS nearest QUALIFY row_number() OVER (PARTITION BY origin_key ORDER BY d, lkey) = 1
),
listen_to_spotify AS (
  SELECT r.origin_key, o.source
  FROM (SELECT * FROM round_1 UNION ALL SELECT * FROM round_2) AS r
  JOIN other AS o USING (lkey)
),
plays AS (
  SELECT p.listener_id, p.origin_key, p.ended_at, p.content_type,
    p.track_uri, p.track_name, p.artist_name, p.album_name, p.episode_uri, p.show_name, p.episode_name,
    p.ms_played, p.ms_played_estimated,
    concat_ws('+', p.source, m.source) AS source,
    p.reason_start, p.reason_end, p.skipped, p.shuffle, p.offline, p.incognito, p.platform, p.conn_country
  FROM spotify_plays AS p
  LEFT JOIN listen_to_spotify AS m USING (origin_key)
  UNION ALL
  SELECT o.listener_id, 'lis|' || o.lkey,
    {{ from_epoch_ms({{ epoch_ms(o.listened_at) }} + coalesce(o.duration_ms, 210000)) }},
    'track', o.track_uri, o.track_name, o.artist_name, o.album_name, NULL, NULL, NULL,
    coalesce(o.duration_ms, 210000), true, o.source,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM other AS o
  WHERE o.lkey NOT IN (SELECT lkey FROM round_1 UNION ALL SELECT lkey FROM round_2)
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
  k.listener_id,
  -- DESIGN.md's name for whose play it is: the listener.
  k.listener_id AS user_id,
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
