import {
  artistName,
  chance,
  int,
  normal,
  pick,
  randomStream,
  spotifyId,
  titleName,
} from './random.js';

export interface Artist {
  id: string;
  name: string;
  albumIds: string[];
}

export interface Album {
  id: string;
  name: string;
  albumType: 'album' | 'single' | 'compilation';
  artistIds: string[];
  releaseDate: string; // YYYY-MM-DD
  trackIds: string[];
}

export interface Track {
  id: string;
  name: string;
  albumId: string;
  artistIds: string[];
  durationMs: number;
  trackNumber: number;
  explicit: boolean;
  isrc: string;
}

export interface Show {
  id: string;
  name: string;
  publisher: string;
  episodeIds: string[];
}

export interface Episode {
  id: string;
  name: string;
  showId: string;
  durationMs: number;
  releaseDate: string;
}

export interface Catalog {
  artists: Artist[];
  albums: Album[];
  tracks: Track[];
  shows: Show[];
  episodes: Episode[];
  artist: Map<string, Artist>;
  album: Map<string, Album>;
  track: Map<string, Track>;
  show: Map<string, Show>;
  episode: Map<string, Episode>;
}

const ARTISTS = 120;
const SHOWS = 4;

/** Builds the invented catalogue of a world: artists with albums and tracks, and podcasts. */
export function buildCatalog(seed: string, historyStart: Date): Catalog {
  const random = randomStream(seed, 'catalog');
  const artists: Artist[] = [];
  const albums: Album[] = [];
  const tracks: Track[] = [];
  const usedNames = new Set<string>();
  for (let a = 0; a < ARTISTS; a++) {
    let name = artistName(random);
    while (usedNames.has(name)) name = `${name} ${int(random, 2, 99)}`;
    usedNames.add(name);
    const artist: Artist = { id: spotifyId(random), name, albumIds: [] };
    artists.push(artist);
    const albumCount = int(random, 1, 3);
    for (let b = 0; b < albumCount; b++) {
      const single = chance(random, 0.3);
      const year = int(random, 1995, 2026);
      const album: Album = {
        id: spotifyId(random),
        name: titleName(random),
        albumType: single ? 'single' : 'album',
        artistIds: [artist.id],
        releaseDate: `${year}-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 1, 28)).padStart(2, '0')}`,
        trackIds: [],
      };
      const trackCount = single ? int(random, 1, 2) : int(random, 6, 14);
      for (let t = 0; t < trackCount; t++) {
        const featured =
          a > 0 && chance(random, 0.08)
            ? (pick(random, artists.slice(0, a)) as Artist).id
            : undefined;
        const track: Track = {
          id: spotifyId(random),
          name: t === 0 && single ? album.name : titleName(random),
          albumId: album.id,
          artistIds: featured ? [artist.id, featured] : [artist.id],
          durationMs: Math.round(
            Math.min(600_000, Math.max(75_000, normal(random, 215_000, 55_000))),
          ),
          trackNumber: t + 1,
          explicit: chance(random, 0.1),
          isrc: `QZ${String(int(random, 10, 99))}${String(year).slice(2)}${String(int(random, 0, 99999)).padStart(5, '0')}`,
        };
        album.trackIds.push(track.id);
        tracks.push(track);
      }
      artist.albumIds.push(album.id);
      albums.push(album);
    }
  }
  const shows: Show[] = [];
  const episodes: Episode[] = [];
  const firstWeek = historyStart.getTime() - 7 * 86_400_000;
  for (let s = 0; s < SHOWS; s++) {
    const show: Show = {
      id: spotifyId(random),
      name: `${titleName(random)} Podcast`,
      publisher: artistName(random),
      episodeIds: [],
    };
    // A weekly episode from before the history starts until well after: the clock can run on.
    for (let w = 0; w < 160; w++) {
      const episode: Episode = {
        id: spotifyId(random),
        name: `#${w + 1}: ${titleName(random)}`,
        showId: show.id,
        durationMs: int(random, 20, 80) * 60_000 + int(random, 0, 59_000),
        releaseDate: new Date(firstWeek + (w * 7 + s) * 86_400_000).toISOString().slice(0, 10),
      };
      show.episodeIds.push(episode.id);
      episodes.push(episode);
    }
    shows.push(show);
  }
  const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));
  return {
    artists,
    albums,
    tracks,
    shows,
    episodes,
    artist: byId(artists),
    album: byId(albums),
    track: byId(tracks),
    show: byId(shows),
    episode: byId(episodes),
  };
}
