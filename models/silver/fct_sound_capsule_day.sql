-- Spotify's own count of each day (the Sound Capsule, YourSoundCapsule.json): streams and
-- minutes played, one row per day, from the latest export that held the day. Spotify's
-- figures, kept beside ours: they are not read into plays.
-- depends_on: bronze.stg_export_sound_capsule
-- key: listener_id, day
-- check: not_null(day)
SELECT listener_id, day, streams, {{ minutes(seconds_played * 1000) }} AS minutes
FROM bronze.stg_export_sound_capsule
WHERE day IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY listener_id, day ORDER BY _load_id DESC, _source_file) = 1
