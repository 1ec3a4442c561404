-- Followed artists as /me/following listed them (cursor pages under `artists`), one row per
-- artist per response.
-- check: not_null(artist_id, fetched_at)
-- materialized: incremental
SELECT
  item ->> 'id' AS artist_id,
  item ->> 'name' AS artist_name,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM (
  SELECT *, unnest(CAST(json_extract(body, '$.artists.items') AS JSON[])) AS item
  FROM raw_api_responses WHERE resource = 'followed_artists'
)
