-- The account behind the login (/me), one row per landed response: only what the product
-- displays. E-mail, birthdate and the like are not read.
-- check: not_null(user_id, fetched_at)
-- materialized: incremental
SELECT
  body ->> 'id' AS user_id,
  body ->> 'display_name' AS display_name,
  body ->> 'product' AS product,
  body ->> 'country' AS country,
  CAST(fetched_at AS TIMESTAMPTZ) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMPTZ) AS _ingested_at
FROM raw_api_responses WHERE resource = 'profile'
