-- Account-data streaming history (the last year, to the minute, names only), typed.
-- StreamingHistory_music_N, _podcast_N and _audiobook_N say what they hold; the legacy
-- StreamingHistoryN mixes music and podcasts under the same field names, read here as music.
-- (Audiobook rows keep only their time and length here: their names are not read yet.)
-- check: not_null(stream_key, ended_minute, ms_played)
-- check: accepted_values(file_kind: music, podcast, audiobook, legacy)
-- materialized: incremental
-- event_time: ended_minute
SELECT
  l._listener_id AS listener_id,
  {{ account_stream_key }} AS stream_key,
  {{ to_instant(replace("endTime", ' ', 'T') || ':00Z') }} AS ended_minute,
  "msPlayed" AS ms_played,
  CASE
    WHEN r._source_file LIKE '%StreamingHistory_podcast_%' OR "podcastName" IS NOT NULL THEN 'podcast'
    WHEN r._source_file LIKE '%StreamingHistory_music_%' THEN 'music'
    WHEN r._source_file LIKE '%StreamingHistory_audiobook_%' THEN 'audiobook'
    ELSE 'legacy'
  END AS file_kind,
  "artistName" AS artist_name,
  "trackName" AS track_name,
  "podcastName" AS show_name,
  "episodeName" AS episode_name,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_export_account AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
