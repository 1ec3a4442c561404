-- Listens from other histories than Spotify's: Last.fm scrobbles and ListenBrainz listens, as
-- the import read them into one shape (src/importer/listens), one row per listen, typed.
-- `listened_at` is when listening began (both services' meaning); `duration_ms` is the
-- track's length when the file gave one. The same listen in overlapping exports shares
-- `listen_key`; silver keeps one.
-- check: not_null(listen_key, source, listened_at, artist_name, track_name)
-- check: accepted_values(source: lastfm, listenbrainz)
-- check: expression(duration_ms IS NULL OR duration_ms > 0)
-- materialized: incremental
-- event_time: listened_at
SELECT
  l._listener_id AS listener_id,
  r.listen_key,
  r.source,
  {{ to_instant(r.listened_at) }} AS listened_at,
  r.artist_name,
  r.track_name,
  r.album_name,
  r.duration_ms,
  r.track_uri,
  r._load_id,
  regexp_extract(r._source_file, '(raw/normalized/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_listens AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
