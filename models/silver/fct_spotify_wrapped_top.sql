-- Spotify's own Wrapped top lists (WrappedYYYY.json), one row per year, kind and rank: `track`
-- (with Spotify's play count and ms played when the file gives them), `artist`, `album` and
-- `genre` (a concept URI Spotify does not name). Items are URIs, or objects holding one
-- (`trackUri`, `artistUri`, `uri`), depending on the year. Names come from the catalogue this
-- lake holds (silver.dim_*), when it saw the URI.
-- depends_on: bronze.stg_export_wrapped, silver.dim_track, silver.dim_artist, silver.dim_album
-- key: listener_id, year, kind, rank
-- check: not_null(year, kind, rank, uri)
-- check: accepted_values(kind: track, artist, album, genre)
WITH latest AS (
  SELECT * FROM bronze.stg_export_wrapped
  QUALIFY row_number() OVER (PARTITION BY listener_id, year ORDER BY _load_id DESC, _source_file) = 1
),
lists AS (
  SELECT listener_id, year, 'track' AS kind, item, n FROM (
    SELECT listener_id, year, {{ json_each(document, '$.topTracks.topTracks', item, n) }} FROM latest
  ) AS t
  UNION ALL
  SELECT listener_id, year, 'artist', item, n FROM (
    SELECT listener_id, year, {{ json_each(document, '$.topArtists.topArtistUris', item, n) }} FROM latest
  ) AS a
  UNION ALL
  SELECT listener_id, year, 'artist', item, n FROM (
    SELECT listener_id, year, {{ json_each(document, '$.topArtists.topArtists', item, n) }} FROM latest
  ) AS a2
  UNION ALL
  SELECT listener_id, year, 'album', item, n FROM (
    SELECT listener_id, year, {{ json_each(document, '$.topAlbums.topAlbums', item, n) }} FROM latest
  ) AS b
  UNION ALL
  SELECT listener_id, year, 'genre', item, n FROM (
    SELECT listener_id, year, {{ json_each(document, '$.topGenres.topGenres', item, n) }} FROM latest
  ) AS g
),
items AS (
  SELECT
    listener_id,
    year,
    kind,
    CAST(n AS BIGINT) AS rank,
    coalesce(
      {{ json_text(item, '$.trackUri') }},
      {{ json_text(item, '$.artistUri') }},
      {{ json_text(item, '$.albumUri') }},
      {{ json_text(item, '$.uri') }},
      nullif(regexp_extract(CAST(item AS STRING), '^"(spotify:[a-z]+:[A-Za-z0-9]+)"$', 1), '')
    ) AS uri,
    try_cast({{ json_text(item, '$.count') }} AS BIGINT) AS plays,
    try_cast({{ json_text(item, '$.msPlayed') }} AS BIGINT) AS ms_played
  FROM lists
)
SELECT
  i.listener_id,
  i.year,
  i.kind,
  i.rank,
  i.uri,
  CASE i.kind WHEN 'track' THEN t.track_name WHEN 'artist' THEN ar.artist_name WHEN 'album' THEN al.album_name END AS name,
  CASE i.kind WHEN 'track' THEN t.artist_name WHEN 'album' THEN al.artist_name END AS artist_name,
  i.plays,
  {{ minutes(i.ms_played) }} AS minutes
FROM items AS i
LEFT JOIN silver.dim_track AS t ON i.kind = 'track' AND t.track_key = i.uri
LEFT JOIN silver.dim_artist AS ar ON i.kind = 'artist' AND ar.artist_key = i.uri
LEFT JOIN silver.dim_album AS al ON i.kind = 'album' AND al.album_key = i.uri
WHERE i.uri IS NOT NULL
