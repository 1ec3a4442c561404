-- Full track, artist and album objects looked up one id at a time by the catalog source
-- (raw/spotify/catalog_tracks|artists|albums), one row per landed object.
-- check: not_null(kind, id, uri, name, fetched_at)
-- check: accepted_values(kind: track, artist, album)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  {{ json_text(body, '$.type') }} AS kind,
  {{ json_text(body, '$.id') }} AS id,
  {{ json_text(body, '$.uri') }} AS uri,
  {{ json_text(body, '$.name') }} AS name,
  coalesce({{ json_text(body, '$.artists[0].uri') }}, CASE WHEN {{ json_text(body, '$.type') }} = 'artist' THEN {{ json_text(body, '$.uri') }} END) AS artist_uri,
  coalesce({{ json_text(body, '$.artists[0].name') }}, CASE WHEN {{ json_text(body, '$.type') }} = 'artist' THEN {{ json_text(body, '$.name') }} END) AS artist_name,
  coalesce({{ json_text(body, '$.album.uri') }}, CASE WHEN {{ json_text(body, '$.type') }} = 'album' THEN {{ json_text(body, '$.uri') }} END) AS album_uri,
  coalesce({{ json_text(body, '$.album.name') }}, CASE WHEN {{ json_text(body, '$.type') }} = 'album' THEN {{ json_text(body, '$.name') }} END) AS album_name,
  CAST({{ json_text(body, '$.duration_ms') }} AS BIGINT) AS duration_ms,
  coalesce({{ json_text(body, '$.album.release_date') }}, {{ json_text(body, '$.release_date') }}) AS release_date,
  -- The largest image comes first in Spotify's lists.
  coalesce({{ json_text(body, '$.images[0].url') }}, {{ json_text(body, '$.album.images[0].url') }}) AS image_url,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM raw_api_responses WHERE resource IN ('catalog_tracks', 'catalog_artists', 'catalog_albums')
