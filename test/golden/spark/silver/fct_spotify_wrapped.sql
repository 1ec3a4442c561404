-- silver.fct_spotify_wrapped, rendered for Spark (lake /lake, time zone Europe/Berlin)
WITH latest AS (
  SELECT * FROM bronze__stg_export_wrapped
  QUALIFY row_number() OVER (PARTITION BY listener_id, year ORDER BY _load_id DESC, _source_file) = 1
)
SELECT
  listener_id,
  year,
  round(CAST(try_cast(get_json_object(document, '$.yearlyMetrics.totalMsListened') AS BIGINT) AS DOUBLE) / 600) / 100 AS minutes,
  round(CAST(try_cast(get_json_object(document, '$.topPodcasts.totalPodcastMilliseconds') AS BIGINT) AS DOUBLE) / 600) / 100 AS podcast_minutes,
  try_cast(get_json_object(document, '$.topArtists.numUniqueArtists') AS BIGINT) AS unique_artists,
  try_cast(coalesce(
    get_json_object(document, '$.topTracks.numUniqueTracks'),
    get_json_object(document, '$.topTracks.distinctTracksPlayed')
  ) AS BIGINT) AS unique_tracks,
  try_cast(get_json_object(document, '$.party.totalNumListeningDays') AS BIGINT) AS listening_days,
  try_cast(get_json_object(document, '$.party.streakNumListeningDays') AS BIGINT) AS longest_streak_days,
  try_cast(get_json_object(document, '$.party.numArtistsDiscovered') AS BIGINT) AS new_artists,
  get_json_object(document, '$.yearlyMetrics.mostListenedDay') AS most_listened_day,
  try_cast(get_json_object(document, '$.yearlyMetrics.mostListenedDayMinutes') AS DOUBLE) AS most_listened_day_minutes,
  try_cast(get_json_object(document, '$.yearlyMetrics.percentGreaterThanWorldwideUsers') AS DOUBLE) AS percent_above_listeners,
  try_cast(coalesce(
    get_json_object(document, '$.topArtists.topNPercentileFan'),
    get_json_object(document, '$.topArtists.topArtistFanPercentage')
  ) AS DOUBLE) AS top_artist_fan_share,
  try_cast(get_json_object(document, '$.listeningAge.listeningAge') AS BIGINT) AS listening_age,
  get_json_object(document, '$.clubs.userClub') AS club,
  get_json_object(document, '$.clubs.role') AS club_role,
  try_cast(get_json_object(document, '$.topGenres.totalNumGenres') AS BIGINT) AS genres,
  _source_file
FROM latest
