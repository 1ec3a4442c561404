-- Account-data streams, each known as music or podcast. The legacy StreamingHistoryN.json mixes
-- both under artistName/trackName; a legacy row is a podcast episode when its "artist" is a show
-- the export names elsewhere (YourLibrary shows and episodes, podcast history files, episodes in
-- the extended history). Its names then move to `show_name` and `episode_name`.
-- A music row named "Unknown Artist" / "Unknown Track" (in any casing) is a stream Spotify can
-- no longer name (a local file, a removed track): `is_unidentified`, counted apart from music.
-- A table, not a view: a show named in one file changes rows of other days, which the build
-- sees only by comparing the rows (runner.ts).
-- event_time: ended_minute
-- depends_on: bronze.stg_export_account_streams, bronze.stg_export_library, bronze.stg_export_streams
WITH shows AS (
  SELECT show_name FROM bronze.stg_export_library
  WHERE item_kind IN ('show', 'episode') AND show_name IS NOT NULL
  UNION
  SELECT show_name FROM bronze.stg_export_account_streams
  WHERE file_kind = 'podcast' AND show_name IS NOT NULL
  UNION
  SELECT show_name FROM bronze.stg_export_streams WHERE show_name IS NOT NULL
),
marked AS (
  SELECT a.*, a.file_kind = 'legacy' AND s.show_name IS NOT NULL AS legacy_podcast
  FROM bronze.stg_export_account_streams AS a
  LEFT JOIN shows AS s ON s.show_name = a.artist_name
)
SELECT
  listener_id,
  stream_key,
  ended_minute,
  ms_played,
  file_kind,
  CASE WHEN legacy_podcast THEN NULL ELSE artist_name END AS artist_name,
  CASE WHEN legacy_podcast THEN NULL ELSE track_name END AS track_name,
  CASE WHEN legacy_podcast THEN artist_name ELSE show_name END AS show_name,
  CASE WHEN legacy_podcast THEN track_name ELSE episode_name END AS episode_name,
  _load_id,
  _source_file,
  _ingested_at,
  file_kind = 'podcast' OR legacy_podcast AS is_podcast,
  coalesce(
    file_kind IN ('music', 'legacy') AND NOT legacy_podcast
      AND lower(trim(artist_name)) = 'unknown artist'
      AND lower(trim(track_name)) = 'unknown track',
    false
  ) AS is_unidentified
FROM marked
