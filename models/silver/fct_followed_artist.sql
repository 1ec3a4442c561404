-- Followed artists over time: one row per artist ever seen followed, with when wrapped-me first
-- and last saw it, and whether the latest pull still listed it.
-- depends_on: bronze.stg_api_followed_artists
-- key: listener_id, artist_id
-- check: not_null(first_seen_at, last_seen_at, following)
WITH latest AS (
  SELECT listener_id, max(_load_id) AS _load_id FROM bronze.stg_api_followed_artists GROUP BY listener_id
)
SELECT
  f.listener_id,
  f.artist_id,
  {{ decode_escapes(f.artist_name) }} AS artist_name,
  f.first_seen_at,
  f.last_seen_at,
  EXISTS (
    SELECT 1 FROM bronze.stg_api_followed_artists AS n JOIN latest USING (listener_id, _load_id)
    WHERE n.listener_id = f.listener_id AND n.artist_id = f.artist_id
  ) AS following
FROM (
  SELECT listener_id, artist_id, {{ latest(artist_name, fetched_at) }} AS artist_name,
    min(fetched_at) AS first_seen_at,
    max(fetched_at) AS last_seen_at
  FROM bronze.stg_api_followed_artists GROUP BY listener_id, artist_id
) AS f
