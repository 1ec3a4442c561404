-- silver.fct_spotify_wrapped_top, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH latest AS (
  SELECT * FROM bronze__stg_export_wrapped
  QUALIFY row_number() OVER (PARTITION BY listener_id, year ORDER BY _load_id DESC, _source_file) = 1
),
lists AS (
  SELECT listener_id, year, 'track' AS kind, item, n FROM (
    SELECT listener_id, year, inline(transform(try_variant_get(try_parse_json(document), '$.topTracks.topTracks', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1))) FROM latest
  ) AS t
  UNION ALL
  SELECT listener_id, year, 'artist', item, n FROM (
    SELECT listener_id, year, inline(transform(try_variant_get(try_parse_json(document), '$.topArtists.topArtistUris', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1))) FROM latest
  ) AS a
  UNION ALL
  SELECT listener_id, year, 'artist', item, n FROM (
    SELECT listener_id, year, inline(transform(try_variant_get(try_parse_json(document), '$.topArtists.topArtists', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1))) FROM latest
  ) AS a2
  UNION ALL
  SELECT listener_id, year, 'album', item, n FROM (
    SELECT listener_id, year, inline(transform(try_variant_get(try_parse_json(document), '$.topAlbums.topAlbums', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1))) FROM latest
  ) AS b
  UNION ALL
  SELECT listener_id, year, 'genre', item, n FROM (
    SELECT listener_id, year, inline(transform(try_variant_get(try_parse_json(document), '$.topGenres.topGenres', 'array<variant>'), (v, i) -> named_struct('item', to_json(v), 'n', i + 1))) FROM latest
  ) AS g
),
items AS (
  SELECT
    listener_id,
    year,
    kind,
    CAST(n AS BIGINT) AS rank,
    coalesce(
      get_json_object(item, '$.trackUri'),
      get_json_object(item, '$.artistUri'),
      get_json_object(item, '$.albumUri'),
      get_json_object(item, '$.uri'),
      nullif(regexp_extract(CAST(item AS STRING), '^"(spotify:[a-z]+:[A-Za-z0-9]+)"$', 1), '')
    ) AS uri,
    try_cast(get_json_object(item, '$.count') AS BIGINT) AS plays,
    try_cast(get_json_object(item, '$.msPlayed') AS BIGINT) AS ms_played
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
  round(CAST(i.ms_played AS DOUBLE) / 600) / 100 AS minutes
FROM items AS i
LEFT JOIN silver__dim_track AS t ON i.kind = 'track' AND t.track_key = i.uri
LEFT JOIN silver__dim_artist AS ar ON i.kind = 'artist' AND ar.artist_key = i.uri
LEFT JOIN silver__dim_album AS al ON i.kind = 'album' AND al.album_key = i.uri
WHERE i.uri IS NOT NULL
