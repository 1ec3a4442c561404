-- Spotify's Sound Capsule (YourSoundCapsule.json): one row per day of its `stats`, as Spotify
-- counted that day: streams and seconds played. (Its daily top songs and artists, names only,
-- are not read yet; the raw file keeps them.) Every field is optional; a value that is not a
-- date or a number reads as NULL.
-- check: not_null(_load_id)
-- materialized: incremental
WITH days AS (
  SELECT r._load_id, r._source_file, {{ json_each(r.doc, '$.stats', item, n) }}
  FROM raw_export_sound_capsule AS r
)
SELECT
  l._listener_id AS listener_id,
  try_cast({{ json_text(item, '$.date') }} AS DATE) AS day,
  try_cast({{ json_text(item, '$.streamCount') }} AS BIGINT) AS streams,
  try_cast({{ json_text(item, '$.secondsPlayed') }} AS BIGINT) AS seconds_played,
  d._load_id,
  regexp_extract(d._source_file, '(raw/export/.*)$', 1) AS _source_file,
  l._ingested_at
FROM days AS d
LEFT JOIN raw_loads AS l ON l._load_id = d._load_id
