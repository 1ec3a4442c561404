-- Full track, artist and album objects looked up one id at a time by the catalog source
-- (raw/spotify/catalog_tracks|artists|albums), one row per landed object.
-- check: not_null(kind, id, uri, name, fetched_at)
-- check: accepted_values(kind: track, artist, album)
-- materialized: incremental
SELECT
  body ->> 'type' AS kind,
  body ->> 'id' AS id,
  body ->> 'uri' AS uri,
  body ->> 'name' AS name,
  coalesce(body -> 'artists' -> 0 ->> 'uri', CASE WHEN body ->> 'type' = 'artist' THEN body ->> 'uri' END) AS artist_uri,
  coalesce(body -> 'artists' -> 0 ->> 'name', CASE WHEN body ->> 'type' = 'artist' THEN body ->> 'name' END) AS artist_name,
  coalesce(body -> 'album' ->> 'uri', CASE WHEN body ->> 'type' = 'album' THEN body ->> 'uri' END) AS album_uri,
  coalesce(body -> 'album' ->> 'name', CASE WHEN body ->> 'type' = 'album' THEN body ->> 'name' END) AS album_name,
  CAST(body ->> 'duration_ms' AS BIGINT) AS duration_ms,
  coalesce(body -> 'album' ->> 'release_date', body ->> 'release_date') AS release_date,
  -- The largest image comes first in Spotify's lists.
  coalesce(body -> 'images' -> 0 ->> 'url', body -> 'album' -> 'images' -> 0 ->> 'url') AS image_url,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM raw_api_responses WHERE resource IN ('catalog_tracks', 'catalog_artists', 'catalog_albums')
