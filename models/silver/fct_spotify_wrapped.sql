-- Spotify's own Wrapped figures (WrappedYYYY.json), one row per year: the latest export's file
-- when several held the year. Spotify changes the file's shape every year and every field is
-- optional, so each figure reads every name seen for it (2024: topTracks.distinctTracksPlayed,
-- yearlyMetrics.mostListenedDay; 2025: topTracks.numUniqueTracks, party.*, listeningAge,
-- clubs) and is NULL when the year's file has none, or holds something that is not a number.
-- Spotify counts from 1 January to about mid-November of its year.
-- depends_on: bronze.stg_export_wrapped
-- key: listener_id, year
-- check: not_null(year)
WITH latest AS (
  SELECT * FROM bronze.stg_export_wrapped
  QUALIFY row_number() OVER (PARTITION BY listener_id, year ORDER BY _load_id DESC, _source_file) = 1
)
SELECT
  listener_id,
  year,
  {{ minutes(try_cast({{ json_text(document, '$.yearlyMetrics.totalMsListened') }} AS BIGINT)) }} AS minutes,
  {{ minutes(try_cast({{ json_text(document, '$.topPodcasts.totalPodcastMilliseconds') }} AS BIGINT)) }} AS podcast_minutes,
  try_cast({{ json_text(document, '$.topArtists.numUniqueArtists') }} AS BIGINT) AS unique_artists,
  try_cast(coalesce(
    {{ json_text(document, '$.topTracks.numUniqueTracks') }},
    {{ json_text(document, '$.topTracks.distinctTracksPlayed') }}
  ) AS BIGINT) AS unique_tracks,
  try_cast({{ json_text(document, '$.party.totalNumListeningDays') }} AS BIGINT) AS listening_days,
  try_cast({{ json_text(document, '$.party.streakNumListeningDays') }} AS BIGINT) AS longest_streak_days,
  try_cast({{ json_text(document, '$.party.numArtistsDiscovered') }} AS BIGINT) AS new_artists,
  {{ json_text(document, '$.yearlyMetrics.mostListenedDay') }} AS most_listened_day,
  try_cast({{ json_text(document, '$.yearlyMetrics.mostListenedDayMinutes') }} AS DOUBLE) AS most_listened_day_minutes,
  try_cast({{ json_text(document, '$.yearlyMetrics.percentGreaterThanWorldwideUsers') }} AS DOUBLE) AS percent_above_listeners,
  try_cast(coalesce(
    {{ json_text(document, '$.topArtists.topNPercentileFan') }},
    {{ json_text(document, '$.topArtists.topArtistFanPercentage') }}
  ) AS DOUBLE) AS top_artist_fan_share,
  try_cast({{ json_text(document, '$.listeningAge.listeningAge') }} AS BIGINT) AS listening_age,
  {{ json_text(document, '$.clubs.userClub') }} AS club,
  {{ json_text(document, '$.clubs.role') }} AS club_role,
  try_cast({{ json_text(document, '$.topGenres.totalNumGenres') }} AS BIGINT) AS genres,
  _source_file
FROM latest
