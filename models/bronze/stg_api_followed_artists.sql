-- Followed artists as /me/following listed them (cursor pages under `artists`), one row per
-- artist per response.
-- check: not_null(artist_id, fetched_at)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  {{ json_text(item, '$.id') }} AS artist_id,
  {{ json_text(item, '$.name') }} AS artist_name,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM (
  SELECT _listener_id, _load_id, _source_file, fetched_at, {{ json_each(body, '$.artists.items', item, n) }}
  FROM raw_api_responses WHERE resource = 'followed_artists'
) AS followed
