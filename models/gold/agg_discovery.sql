-- Discovery: the first play of each artist and of each track (a play is 30 s or more: a skip
-- in the first seconds is not meeting someone). "First" means first in the history wrapped-me
-- holds, so the earliest days of an import discover everything. Tracks are named as
-- silver.dim_track names them. A row changes only when a first listen does: how often it was
-- played since is in the top lists, so new plays of a known artist do not touch the year it
-- was discovered in (gold.wrapped_year reads this table by that year).
-- depends_on: silver.int_play_years, silver.int_track_names
-- event_time: first_day
-- key: listener_id, kind, item_key
-- check: not_null(first_played_at, first_day, name)
-- check: accepted_values(kind: artist, track)
WITH firsts AS (
  -- silver.int_play_years keeps each year's first play of every track: the first of all is
  -- the earliest of those.
  SELECT listener_id, 'artist' AS kind, artist_name AS item_key, artist_name AS name, CAST(NULL AS STRING) AS artist_name,
    min(first_played_at) AS first_played_at
  FROM silver.int_play_years WHERE artist_name IS NOT NULL AND plays > 0 GROUP BY listener_id, artist_name
  UNION ALL
  SELECT y.listener_id, 'track', y.track_key, any_value(d.track_name), any_value(d.artist_name),
    min(y.first_played_at)
  FROM silver.int_play_years AS y JOIN silver.int_track_names AS d USING (track_key)
  WHERE y.named AND y.plays > 0 GROUP BY y.listener_id, y.track_key
)
SELECT listener_id, kind, item_key, name, artist_name, first_played_at,
  CAST({{ local_time(first_played_at) }} AS DATE) AS first_day
FROM firsts
