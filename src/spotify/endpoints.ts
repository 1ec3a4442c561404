import type { SpotifyClient } from './client.js';
import {
  boolean,
  type Checker,
  list,
  nullable,
  number,
  object,
  optional,
  string,
  unknownValue,
} from './shape.js';

/**
 * Typed Web API endpoints. Each returns the checked fields the pipeline uses and the response
 * body as received (`raw`), which the extract stage lands unchanged.
 */
export interface Fetched<T> {
  data: T;
  raw: unknown;
}

const ref = object({ id: nullable(string), name: string, uri: nullable(string) });
export const trackShape = object({
  id: nullable(string), // null for local files
  uri: string,
  name: string,
  duration_ms: number,
  is_local: optional(boolean),
  type: optional(string),
  artists: list(ref),
  album: optional(
    object({
      id: nullable(string),
      name: string,
      uri: nullable(string),
      images: optional(list(object({ url: string }))),
    }),
  ),
});
export type Track = ReturnType<typeof trackShape>;
const episodeShape = object({
  id: string,
  uri: string,
  name: string,
  duration_ms: number,
  type: string,
  show: optional(ref),
});
export const artistShape = object({
  id: string,
  uri: string,
  name: string,
  genres: optional(list(string)),
  images: optional(list(object({ url: string }))),
});
const albumShape = object({
  id: string,
  uri: string,
  name: string,
  release_date: optional(string),
  artists: list(ref),
  tracks: optional(unknownValue),
});

function paging<T>(item: Checker<T>) {
  return object({
    items: list(item),
    total: optional(number),
    limit: number,
    offset: optional(number),
    next: nullable(string),
  });
}
export type Page<T> = {
  items: T[];
  total: number | undefined;
  limit: number;
  offset: number | undefined;
  next: string | null;
};

async function fetched<T>(
  client: SpotifyClient,
  check: Checker<T>,
  path: string,
  query?: Record<string, string | number | undefined>,
  endpoint = path,
): Promise<Fetched<T>> {
  const raw = await client.get(path, query);
  return { data: check(raw, endpoint), raw };
}

export const me = (client: SpotifyClient) =>
  fetched(
    client,
    object({ account_id: optional(string), id: string, display_name: nullable(string) }),
    '/me',
  );

const playHistory = object({
  items: list(
    object({
      played_at: string,
      track: trackShape,
      context: nullable(object({ type: string, uri: string })),
    }),
  ),
  cursors: nullable(object({ after: optional(string), before: optional(string) })),
  next: nullable(string),
  limit: number,
});

export function recentlyPlayed(
  client: SpotifyClient,
  options: { limit?: number; after?: number; before?: number } = {},
) {
  return fetched(client, playHistory, '/me/player/recently-played', {
    limit: options.limit ?? 50,
    after: options.after,
    before: options.before,
  });
}

export type TimeRange = 'short_term' | 'medium_term' | 'long_term';

export function topArtists(client: SpotifyClient, range: TimeRange, offset = 0, limit = 50) {
  return fetched(client, paging(artistShape), '/me/top/artists', {
    time_range: range,
    limit,
    offset,
  });
}

export function topTracks(client: SpotifyClient, range: TimeRange, offset = 0, limit = 50) {
  return fetched(client, paging(trackShape), '/me/top/tracks', {
    time_range: range,
    limit,
    offset,
  });
}

export function savedTracks(client: SpotifyClient, offset = 0, limit = 50) {
  return fetched(client, paging(object({ added_at: string, track: trackShape })), '/me/tracks', {
    limit,
    offset,
  });
}

const playlistShape = object({
  id: string,
  name: string,
  snapshot_id: string,
  collaborative: boolean,
  owner: object({ id: string, display_name: optional(nullable(string)) }),
  items: optional(object({ total: number })),
  tracks: optional(object({ total: number })),
});

export function myPlaylists(client: SpotifyClient, offset = 0, limit = 50) {
  return fetched(client, paging(playlistShape), '/me/playlists', { limit, offset });
}

/** One playlist entry, whatever the app's age: `item` (since Feb 2026) or the legacy `track`. */
const rawPlaylistItem = object({
  added_at: nullable(string),
  is_local: optional(boolean),
  item: unknownValue,
  track: unknownValue,
});
export interface PlaylistItem {
  added_at: string | null;
  is_local: boolean;
  /** The track, the episode, or null (a removed track). */
  item: Track | ReturnType<typeof episodeShape> | null;
}

export async function playlistItems(
  client: SpotifyClient,
  playlistId: string,
  offset = 0,
  limit = 50,
): Promise<Fetched<Page<PlaylistItem>>> {
  const page = await fetched(
    client,
    paging(rawPlaylistItem),
    `/playlists/${encodeURIComponent(playlistId)}/items`,
    { limit, offset },
    '/playlists/{id}/items',
  );
  const items = page.data.items.map((entry, i): PlaylistItem => {
    const value = entry.item !== undefined ? entry.item : entry.track;
    const path = `items[${i}].${entry.item !== undefined ? 'item' : 'track'}`;
    const isEpisode = (value as { type?: string } | null)?.type === 'episode';
    return {
      added_at: entry.added_at,
      is_local: entry.is_local ?? false,
      item:
        value === null || value === undefined
          ? null
          : isEpisode
            ? episodeShape(value, path)
            : trackShape(value, path),
    };
  });
  return { data: { ...page.data, items }, raw: page.raw };
}

export function followedArtists(client: SpotifyClient, after?: string, limit = 50) {
  return fetched(
    client,
    object({
      artists: object({
        items: list(artistShape),
        next: nullable(string),
        cursors: nullable(object({ after: optional(string) })),
        total: optional(number),
      }),
    }),
    '/me/following',
    { type: 'artist', limit, after },
  );
}

export const track = (client: SpotifyClient, id: string) =>
  fetched(client, trackShape, `/tracks/${encodeURIComponent(id)}`, undefined, '/tracks/{id}');
export const artist = (client: SpotifyClient, id: string) =>
  fetched(client, artistShape, `/artists/${encodeURIComponent(id)}`, undefined, '/artists/{id}');
export const album = (client: SpotifyClient, id: string) =>
  fetched(client, albumShape, `/albums/${encodeURIComponent(id)}`, undefined, '/albums/{id}');

/** Every page of an offset-paged endpoint, until `next` is null. */
export async function* offsetPages<T>(
  fetchPage: (offset: number) => Promise<Fetched<Page<T>>>,
): AsyncGenerator<Fetched<Page<T>>> {
  for (let offset = 0; ; ) {
    const page = await fetchPage(offset);
    yield page;
    if (page.data.next === null || page.data.items.length === 0) return;
    offset += page.data.items.length;
  }
}

/** Every followed artist, following the `after` cursor. */
export async function* followedArtistPages(client: SpotifyClient, limit = 50) {
  let after: string | undefined;
  for (;;) {
    const page = await followedArtists(client, after, limit);
    yield page;
    after = page.data.artists.cursors?.after;
    if (!after || page.data.artists.next === null) return;
  }
}
