-- silver.fct_followed_artist, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH latest AS (
  SELECT listener_id, max(_load_id) AS _load_id FROM bronze__stg_api_followed_artists GROUP BY listener_id
)
SELECT
  f.listener_id,
  f.artist_id,
  CASE WHEN (f.artist_name) RLIKE '\\\\u[0-9A-Fa-f]{4}' THEN coalesce(get_json_object(concat('{"v":"', regexp_replace(replace(replace(replace(regexp_replace(replace((f.artist_name), chr(1), ''), '\\\\u([0-9A-Fa-f]{4})', concat(chr(1), 'u$1')), '\\', '\\\\'), '"', '\\"'), chr(1), '\\'), '[\\x00-\\x1f]', ''), '"}'), '$.v'), (f.artist_name)) ELSE (f.artist_name) END AS artist_name,
  f.first_seen_at,
  f.last_seen_at,
  EXISTS (
    SELECT 1 FROM bronze__stg_api_followed_artists AS n JOIN latest USING (listener_id, _load_id)
    WHERE n.listener_id = f.listener_id AND n.artist_id = f.artist_id
  ) AS following
FROM (
  SELECT listener_id, artist_id, min_by(artist_name, named_struct('unknown', fetched_at IS NULL, 'newest', -unix_micros(fetched_at), 'value', artist_name)) FILTER (WHERE artist_name IS NOT NULL) AS artist_name,
    min(fetched_at) AS first_seen_at,
    max(fetched_at) AS last_seen_at
  FROM bronze__stg_api_followed_artists GROUP BY listener_id, artist_id
) AS f
