import type { Album, Artist, Catalog, Episode, Show, Track } from './catalog.js';
import { hashString } from './random.js';

/**
 * Spotify's JSON shapes for catalogue objects, as a development-mode app sees them in 2026:
 * no `popularity`, `followers`, `available_markets`, `label` or (by default) `genres`.
 * `legacyFields` brings back the removed fields, for testing code against older shapes.
 */
export interface ShapeOptions {
  api: string; // base URL of the Web API, e.g. http://127.0.0.1:PORT/v1
  legacyFields: boolean;
}

const open = (kind: string, id: string) => ({ spotify: `https://open.spotify.com/${kind}/${id}` });

function images(id: string): Array<{ url: string; height: number; width: number }> {
  const hex = hashString(id).toString(16).padStart(8, '0');
  return [640, 300, 64].map((size) => ({
    url: `https://i.scdn.co/image/ab67616d0000${hex}${size}`,
    height: size,
    width: size,
  }));
}

export function simplifiedArtist(artist: Artist, o: ShapeOptions) {
  return {
    external_urls: open('artist', artist.id),
    href: `${o.api}/artists/${artist.id}`,
    id: artist.id,
    name: artist.name,
    type: 'artist' as const,
    uri: `spotify:artist:${artist.id}`,
  };
}

export function fullArtist(artist: Artist, o: ShapeOptions) {
  return {
    ...simplifiedArtist(artist, o),
    images: images(artist.id),
    ...(o.legacyFields
      ? {
          followers: { href: null, total: 1000 + (hashString(artist.id) % 90_000) },
          genres: ['indie'],
          popularity: 40,
        }
      : {}),
  };
}

function albumBase(album: Album, catalog: Catalog, o: ShapeOptions) {
  return {
    album_type: album.albumType,
    total_tracks: album.trackIds.length,
    external_urls: open('album', album.id),
    href: `${o.api}/albums/${album.id}`,
    id: album.id,
    images: images(album.id),
    name: album.name,
    release_date: album.releaseDate,
    release_date_precision: 'day' as const,
    type: 'album' as const,
    uri: `spotify:album:${album.id}`,
    artists: album.artistIds.map((id) => simplifiedArtist(catalog.artist.get(id) as Artist, o)),
    ...(o.legacyFields ? { available_markets: ['DE', 'US'] } : {}),
  };
}

export function simplifiedAlbum(album: Album, catalog: Catalog, o: ShapeOptions) {
  return albumBase(album, catalog, o);
}

function trackBase(track: Track, catalog: Catalog, o: ShapeOptions) {
  return {
    artists: track.artistIds.map((id) => simplifiedArtist(catalog.artist.get(id) as Artist, o)),
    disc_number: 1,
    duration_ms: track.durationMs,
    explicit: track.explicit,
    external_urls: open('track', track.id),
    href: `${o.api}/tracks/${track.id}`,
    id: track.id,
    is_local: false,
    is_playable: true,
    name: track.name,
    track_number: track.trackNumber,
    type: 'track' as const,
    uri: `spotify:track:${track.id}`,
    ...(o.legacyFields ? { available_markets: ['DE', 'US'], preview_url: null } : {}),
  };
}

export function simplifiedTrack(track: Track, catalog: Catalog, o: ShapeOptions) {
  return trackBase(track, catalog, o);
}

export function fullTrack(track: Track, catalog: Catalog, o: ShapeOptions) {
  return {
    ...trackBase(track, catalog, o),
    album: simplifiedAlbum(catalog.album.get(track.albumId) as Album, catalog, o),
    external_ids: { isrc: track.isrc },
    ...(o.legacyFields ? { popularity: 30 + (hashString(track.id) % 60) } : {}),
  };
}

export function fullAlbum(album: Album, catalog: Catalog, o: ShapeOptions) {
  const items = album.trackIds.map((id) =>
    simplifiedTrack(catalog.track.get(id) as Track, catalog, o),
  );
  return {
    ...albumBase(album, catalog, o),
    tracks: {
      href: `${o.api}/albums/${album.id}/tracks?offset=0&limit=50`,
      limit: 50,
      next: null,
      offset: 0,
      previous: null,
      total: items.length,
      items,
    },
    copyrights: [{ text: `${album.releaseDate.slice(0, 4)} Simulated Records`, type: 'C' }],
    external_ids: { upc: String(hashString(album.id)).padStart(12, '0') },
    ...(o.legacyFields ? { genres: [], label: 'Simulated Records', popularity: 40 } : {}),
  };
}

export function simplifiedShow(show: Show, o: ShapeOptions) {
  return {
    copyrights: [],
    description: `A simulated podcast by ${show.publisher}.`,
    html_description: `<p>A simulated podcast by ${show.publisher}.</p>`,
    explicit: false,
    external_urls: open('show', show.id),
    href: `${o.api}/shows/${show.id}`,
    id: show.id,
    images: images(show.id),
    is_externally_hosted: false,
    languages: ['en'],
    media_type: 'audio',
    name: show.name,
    ...(o.legacyFields ? { publisher: show.publisher, available_markets: ['DE'] } : {}),
    type: 'show' as const,
    uri: `spotify:show:${show.id}`,
    total_episodes: show.episodeIds.length,
  };
}

export function fullEpisode(episode: Episode, catalog: Catalog, o: ShapeOptions) {
  const show = catalog.show.get(episode.showId) as Show;
  return {
    description: `Episode of ${show.name}.`,
    html_description: `<p>Episode of ${show.name}.</p>`,
    duration_ms: episode.durationMs,
    explicit: false,
    external_urls: open('episode', episode.id),
    href: `${o.api}/episodes/${episode.id}`,
    id: episode.id,
    images: images(episode.id),
    is_externally_hosted: false,
    is_playable: true,
    languages: ['en'],
    name: episode.name,
    release_date: episode.releaseDate,
    release_date_precision: 'day',
    type: 'episode' as const,
    uri: `spotify:episode:${episode.id}`,
    show: simplifiedShow(show, o),
  };
}

/** A local file in a playlist: no id, a spotify:local URI, album and artists without ids. */
export function localTrack(local: {
  artist: string;
  album: string;
  title: string;
  durationMs: number;
}) {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return {
    album: {
      album_type: null,
      artists: [],
      available_markets: [],
      external_urls: {},
      href: null,
      id: null,
      images: [],
      name: local.album,
      release_date: null,
      release_date_precision: null,
      type: 'album',
      uri: null,
    },
    artists: [
      { external_urls: {}, href: null, id: null, name: local.artist, type: 'artist', uri: null },
    ],
    available_markets: [],
    disc_number: 0,
    duration_ms: local.durationMs,
    explicit: false,
    external_ids: {},
    external_urls: {},
    href: null,
    id: null,
    is_local: true,
    name: local.title,
    popularity: 0,
    preview_url: null,
    track_number: 0,
    type: 'track',
    uri: `spotify:local:${enc(local.artist)}:${enc(local.album)}:${enc(local.title)}:${Math.round(local.durationMs / 1000)}`,
  };
}
