-- bronze.stg_export_account_streams, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  l._listener_id AS listener_id,
  md5(concat('acct|', coalesce(`endTime`, ''), '|',
  coalesce(`artistName`, `podcastName`, ''), '|', coalesce(`trackName`, `episodeName`, ''), '|',
  coalesce(CAST(`msPlayed` AS STRING), ''))) AS stream_key,
  CAST(replace(`endTime`, ' ', 'T') || ':00Z' AS TIMESTAMP) AS ended_minute,
  `msPlayed` AS ms_played,
  CASE
    WHEN r._source_file LIKE '%StreamingHistory_podcast_%' OR `podcastName` IS NOT NULL THEN 'podcast'
    WHEN r._source_file LIKE '%StreamingHistory_music_%' THEN 'music'
    WHEN r._source_file LIKE '%StreamingHistory_audiobook_%' THEN 'audiobook'
    ELSE 'legacy'
  END AS file_kind,
  `artistName` AS artist_name,
  `trackName` AS track_name,
  `podcastName` AS show_name,
  `episodeName` AS episode_name,
  r._load_id,
  regexp_extract(r._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM raw_export_account AS r
LEFT JOIN raw_loads AS l ON l._load_id = r._load_id
