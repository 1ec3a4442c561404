-- silver.fct_saved_track, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT listener_id, track_id, track_uri, CASE WHEN (track_name) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((track_name), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (track_name)) ELSE (track_name) END AS track_name, artist_name,
  album_name, added_at, first_seen_at, last_seen_at
FROM (
  SELECT
    listener_id,
    track_id,
    -- The names of the latest response (a track can be renamed); ties by name, so a rebuild
    -- always picks the same.
    min_by(track_uri, named_struct('unknown', fetched_at IS NULL, 'newest', -unix_micros(fetched_at), 'value', track_uri)) FILTER (WHERE track_uri IS NOT NULL) AS track_uri,
    min_by(track_name, named_struct('unknown', fetched_at IS NULL, 'newest', -unix_micros(fetched_at), 'value', track_name)) FILTER (WHERE track_name IS NOT NULL) AS track_name,
    min_by(artist_name, named_struct('unknown', fetched_at IS NULL, 'newest', -unix_micros(fetched_at), 'value', artist_name)) FILTER (WHERE artist_name IS NOT NULL) AS artist_name,
    min_by(album_name, named_struct('unknown', fetched_at IS NULL, 'newest', -unix_micros(fetched_at), 'value', album_name)) FILTER (WHERE album_name IS NOT NULL) AS album_name,
    min(added_at) AS added_at,
    min(fetched_at) AS first_seen_at,
    max(fetched_at) AS last_seen_at
  FROM bronze__stg_api_saved_tracks
  GROUP BY listener_id, track_id
)
