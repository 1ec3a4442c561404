-- Extended streaming history (the data export), one row per record exactly as exported,
-- typed. Exact duplicate records are kept here; silver collapses them by stream_key.
-- Personal fields (username, ip_addr, user agents) are never read.
-- check: not_null(stream_key, ended_at, ms_played)
-- check: accepted_values(content_type: track, episode, audiobook, unknown)
-- check: expression(ms_played >= 0)
-- materialized: incremental
-- event_time: ended_at
SELECT
  l._listener_id AS listener_id,
  {{ extended_stream_key }} AS stream_key,
  {{ to_instant(ts) }} AS ended_at,
  ms_played,
  CASE
    WHEN spotify_track_uri IS NOT NULL OR master_metadata_track_name IS NOT NULL THEN 'track'
    WHEN spotify_episode_uri IS NOT NULL OR episode_name IS NOT NULL THEN 'episode'
    WHEN audiobook_chapter_uri IS NOT NULL OR audiobook_uri IS NOT NULL OR audiobook_title IS NOT NULL THEN 'audiobook'
    ELSE 'unknown'
  END AS content_type,
  spotify_track_uri AS track_uri,
  master_metadata_track_name AS track_name,
  master_metadata_album_artist_name AS artist_name,
  master_metadata_album_album_name AS album_name,
  spotify_episode_uri AS episode_uri,
  episode_name,
  episode_show_name AS show_name,
  audiobook_uri,
  audiobook_title,
  audiobook_chapter_uri,
  audiobook_chapter_title,
  platform,
  conn_country,
  reason_start,
  reason_end,
  shuffle,
  skipped,
  offline,
  -- Milliseconds in old exports, seconds in new ones: tell them apart by magnitude.
  CASE
    WHEN offline_timestamp IS NULL OR offline_timestamp = 0 THEN NULL
    WHEN offline_timestamp > 100000000000 THEN {{ from_epoch_ms(offline_timestamp) }}
    ELSE {{ from_epoch_s(offline_timestamp) }}
  END AS offline_at,
  incognito_mode AS incognito,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_export_extended AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
