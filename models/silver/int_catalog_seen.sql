-- Each distinct sighting of silver.int_catalog_sightings once per year (WRAPPED_TIMEZONE): what
-- was seen, when first and last that year, and how many times. The catalogue (int_name_links,
-- dim_track, dim_album, dim_artist) is built from these rows instead of from every sighting:
-- the latest name is the one of the row last seen, the first sighting is the earliest
-- `first_seen_at`, a count is the sum of `sightings`. Partitioned by year, an hour of plays
-- rebuilds this year's rows only, and the catalogue reads a row per thing and year instead of
-- a row per play.
-- depends_on: silver.int_catalog_sightings
-- materialized: partitioned
-- event_time: last_seen_at
-- check: not_null(kind, sightings)
SELECT kind, uri, name, artist_name, album_name, artist_uri, album_uri, duration_ms, image_url,
  min(seen_at) AS first_seen_at, max(seen_at) AS last_seen_at, count(*) AS sightings
FROM silver.int_catalog_sightings
WHERE seen_at IS NULL OR {{ partition_window(seen_at) }}
GROUP BY kind, uri, name, artist_name, album_name, artist_uri, album_uri, duration_ms, image_url,
  year(seen_at)
