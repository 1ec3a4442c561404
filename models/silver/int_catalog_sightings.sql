-- Every time a track, artist or album was seen with a name, a URI or both: in plays (export,
-- API, and the Last.fm / ListenBrainz listens, whose lengths are left to Spotify's), Liked Songs, top lists, playlists (API and export), follows, the library file and
-- catalogue lookups. The catalogue dimensions and the name-to-URI links are built from this.
-- materialized: view
-- Each row is dated by `seen_at`, its input's own event time where the input has one (a play's
-- end, a listen): silver.int_catalog_seen rebuilds only the years those change.
-- event_time: seen_at
-- depends_on: bronze.stg_export_streams, silver.int_account_streams, bronze.stg_listens, bronze.stg_api_recently_played, bronze.stg_api_saved_tracks, bronze.stg_api_top_items, bronze.stg_api_playlist_items, bronze.stg_api_catalog, bronze.stg_api_followed_artists, bronze.stg_export_library, bronze.stg_export_playlist_items
SELECT 'track' AS kind, track_uri AS uri, track_name AS name, artist_name, album_name,
  CAST(NULL AS STRING) AS artist_uri, CAST(NULL AS STRING) AS album_uri, CAST(NULL AS BIGINT) AS duration_ms,
  CAST(NULL AS STRING) AS image_url, ended_at AS seen_at
FROM bronze.stg_export_streams
WHERE content_type = 'track' AND (track_uri IS NOT NULL OR track_name IS NOT NULL)
UNION ALL
SELECT 'track', NULL, track_name, artist_name, NULL, NULL, NULL, NULL, NULL, ended_minute
FROM silver.int_account_streams
WHERE NOT is_podcast AND track_name IS NOT NULL
UNION ALL
SELECT 'track', track_uri, track_name, artist_name, album_name, NULL, NULL, NULL, NULL, listened_at
FROM bronze.stg_listens
UNION ALL
SELECT 'track', track_uri, track_name, artist_name, album_name,
  'spotify:artist:' || artist_id, 'spotify:album:' || album_id, duration_ms, image_url, played_at
FROM bronze.stg_api_recently_played
UNION ALL
SELECT 'track', track_uri, track_name, artist_name, album_name,
  'spotify:artist:' || artist_id, 'spotify:album:' || album_id, duration_ms, image_url, added_at
FROM bronze.stg_api_saved_tracks
UNION ALL
SELECT kind, item_uri, name, CASE WHEN kind = 'track' THEN artist_name END, NULL, NULL, NULL, NULL, image_url, fetched_at
FROM bronze.stg_api_top_items
UNION ALL
SELECT 'track', item_uri, item_name, artist_name, NULL, NULL, NULL, NULL, NULL, coalesce(added_at, fetched_at)
FROM bronze.stg_api_playlist_items WHERE item_type = 'track'
UNION ALL
SELECT kind, uri, name, CASE WHEN kind <> 'artist' THEN artist_name END,
  CASE WHEN kind = 'track' THEN album_name END,
  CASE WHEN kind <> 'artist' THEN artist_uri END, CASE WHEN kind = 'track' THEN album_uri END,
  duration_ms, image_url, fetched_at
FROM bronze.stg_api_catalog
UNION ALL
SELECT 'artist', 'spotify:artist:' || artist_id, artist_name, NULL, NULL, NULL, NULL, NULL, NULL, fetched_at
FROM bronze.stg_api_followed_artists
UNION ALL
SELECT item_kind, uri, name, artist_name, album_name, NULL, NULL, NULL, NULL, _ingested_at
FROM bronze.stg_export_library WHERE item_kind IN ('track', 'album', 'artist')
UNION ALL
SELECT 'track', item_uri, item_name, artist_name, album_name, NULL, NULL, NULL, NULL, {{ to_instant(added_date) }}
FROM bronze.stg_export_playlist_items WHERE item_type = 'track'
