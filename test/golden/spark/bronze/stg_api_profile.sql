-- bronze.stg_api_profile, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT
  _listener_id AS listener_id,
  get_json_object(body, '$.id') AS user_id,
  get_json_object(body, '$.display_name') AS display_name,
  get_json_object(body, '$.product') AS product,
  get_json_object(body, '$.country') AS country,
  CAST(fetched_at AS TIMESTAMP) AS fetched_at,
  _load_id,
  regexp_extract(_source_file, '(raw/spotify/.*)$', 1) AS _source_file,
  CAST(fetched_at AS TIMESTAMP) AS _ingested_at
FROM raw_api_responses WHERE resource = 'profile'
