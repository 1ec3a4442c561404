-- bronze.stg_coverage_gaps, rendered for Spark (lake /lake, time zone Europe/Berlin)
SELECT listener_id, id, source, gap_from, gap_to, reason FROM raw_gaps
