-- silver.fct_sound_capsule_day, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT listener_id, day, streams, round(CAST(seconds_played * 1000 AS DOUBLE) / 600) / 100 AS minutes
FROM bronze__stg_export_sound_capsule
WHERE day IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY listener_id, day ORDER BY _load_id DESC, _source_file) = 1
