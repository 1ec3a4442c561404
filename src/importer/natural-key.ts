import { createHash } from 'node:crypto';

/**
 * Natural keys for streams in the export, so an export that overlaps an earlier one (every
 * export repeats the whole history) never yields a play twice downstream.
 *
 * Extended history: the same stream appears in exports of different eras with different field
 * sets (2021-23 has `username`, later ones do not) and even different `platform` spellings, so
 * the key uses only what identifies the stream itself: when it ended (`ts`), what played (its
 * URI, or its names when there is no URI) and for how long (`ms_played`). Exact duplicate rows
 * share a key and collapse; rows that share `ts` but differ in content keep distinct keys.
 *
 * Account data: `endTime` (to the minute), the names, and `msPlayed`.
 *
 * The same definitions exist as SQL for the bronze models; a test checks that both agree.
 */
type Row = Record<string, unknown>;

const text = (value: unknown): string =>
  value === null || value === undefined ? '' : String(value);
const md5 = (value: string): string => createHash('md5').update(value, 'utf8').digest('hex');

export function extendedStreamKey(r: Row): string {
  const content =
    (r.spotify_track_uri as string | null | undefined) ||
    (r.spotify_episode_uri as string | null | undefined) ||
    (r.audiobook_chapter_uri as string | null | undefined) ||
    `names:${text(r.master_metadata_album_artist_name)}/${text(r.master_metadata_track_name)}/${text(r.episode_show_name)}/${text(r.episode_name)}`;
  return md5(`ext|${text(r.ts)}|${content}|${text(r.ms_played)}`);
}

export function accountStreamKey(r: Row): string {
  const who = r.artistName ?? r.podcastName;
  const what = r.trackName ?? r.episodeName;
  return md5(`acct|${text(r.endTime)}|${text(who)}|${text(what)}|${text(r.msPlayed)}`);
}

/**
 * SQL for the same keys over the raw JSON columns (DuckDB). Empty strings stand in for NULL
 * exactly as in the functions above: `nullif(x, '')` mirrors JavaScript's `||` on strings.
 * Read the files with explicit column types (EXTENDED_COLUMNS / ACCOUNT_COLUMNS): auto-detection
 * types an all-null column as JSON, which then breaks `coalesce`. A column an older field set
 * lacks (audiobook_* before 2025) simply reads as NULL.
 */
export const EXTENDED_COLUMNS = `{ts: 'VARCHAR', username: 'VARCHAR', platform: 'VARCHAR', ms_played: 'BIGINT',
  conn_country: 'VARCHAR', ip_addr: 'VARCHAR', ip_addr_decrypted: 'VARCHAR', user_agent_decrypted: 'VARCHAR',
  master_metadata_track_name: 'VARCHAR', master_metadata_album_artist_name: 'VARCHAR',
  master_metadata_album_album_name: 'VARCHAR', spotify_track_uri: 'VARCHAR', episode_name: 'VARCHAR',
  episode_show_name: 'VARCHAR', spotify_episode_uri: 'VARCHAR', audiobook_title: 'VARCHAR', audiobook_uri: 'VARCHAR',
  audiobook_chapter_uri: 'VARCHAR', audiobook_chapter_title: 'VARCHAR', reason_start: 'VARCHAR', reason_end: 'VARCHAR',
  shuffle: 'BOOLEAN', skipped: 'BOOLEAN', offline: 'BOOLEAN', offline_timestamp: 'BIGINT', incognito_mode: 'BOOLEAN'}`;

export const ACCOUNT_COLUMNS = `{endTime: 'VARCHAR', artistName: 'VARCHAR', trackName: 'VARCHAR',
  podcastName: 'VARCHAR', episodeName: 'VARCHAR', msPlayed: 'BIGINT'}`;

export const EXTENDED_STREAM_KEY_SQL = `md5(concat('ext|', coalesce(ts, ''), '|',
  coalesce(nullif(spotify_track_uri, ''), nullif(spotify_episode_uri, ''), nullif(audiobook_chapter_uri, ''),
    concat('names:', coalesce(master_metadata_album_artist_name, ''), '/', coalesce(master_metadata_track_name, ''), '/',
      coalesce(episode_show_name, ''), '/', coalesce(episode_name, ''))),
  '|', coalesce(CAST(ms_played AS STRING), '')))`;

export const ACCOUNT_STREAM_KEY_SQL = `md5(concat('acct|', coalesce("endTime", ''), '|',
  coalesce("artistName", "podcastName", ''), '|', coalesce("trackName", "episodeName", ''), '|',
  coalesce(CAST("msPlayed" AS STRING), '')))`;
