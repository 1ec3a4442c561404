-- The account behind the login (/me), one row per landed response: only what the product
-- displays. E-mail, birthdate and the like are not read.
-- check: not_null(user_id, fetched_at)
-- materialized: incremental
SELECT
  _listener_id AS listener_id,
  {{ json_text(body, '$.id') }} AS user_id,
  {{ json_text(body, '$.display_name') }} AS display_name,
  {{ json_text(body, '$.product') }} AS product,
  {{ json_text(body, '$.country') }} AS country,
  {{ to_instant(fetched_at) }} AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  {{ to_instant(fetched_at) }} AS _ingested_at
FROM raw_api_responses WHERE resource = 'profile'
