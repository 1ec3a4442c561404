import { buildCatalog, type Catalog } from './catalog.js';
import { generateDay, inRecentlyPlayed, type Stream, Taste } from './listener.js';
import { hashString, randomStream, spotifyId } from './random.js';

const DAY = 86_400_000;

export interface WorldOptions {
  seed: string;
  /** The simulated clock's start. */
  start: Date;
  /** How long the listener has had the account before `start` (default 400 days). */
  historyDays?: number;
}

export interface SavedTrack {
  trackId: string;
  addedAt: number;
  removedAt: number | null;
}

export interface FollowedArtist {
  artistId: string;
  followedAt: number;
}

export interface PlaylistItem {
  addedAt: number;
  addedBy: string;
  kind: 'track' | 'episode' | 'local' | 'null';
  id: string | null;
  local?: { artist: string; album: string; title: string; durationMs: number };
}

export interface Playlist {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  ownerName: string;
  collaborative: boolean;
  public: boolean;
  /** Items as of a moment: playlists change over time, and so does their snapshot id. */
  itemsAt(now: number): PlaylistItem[];
}

export const USER_ID = 'simlistener';
export const FRIEND_ID = 'simfriend';

/**
 * The simulated Spotify account: an invented catalogue, one listener whose every stream is
 * known (the ground truth), and what that listening leaves behind (a library, playlists,
 * followed artists). Everything is a pure function of the seed and the clock.
 * `housemate` makes another listener of the same Spotify: the same catalogue and clock, a
 * taste and a history of their own (their seed is the first one's and their user id).
 */
export class World {
  readonly seed: string;
  readonly catalog: Catalog;
  readonly historyStart: number;
  readonly accountId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly playlists: Playlist[];
  private readonly taste: Taste;
  private readonly days = new Map<number, Stream[]>();
  /** Shared by every listener of one simulated Spotify. */
  private readonly clock: { now: number };

  constructor(
    options: WorldOptions,
    household?: { first: World; userId: string; displayName: string },
  ) {
    if (household) {
      // A housemate: the first listener's Spotify (catalogue, clock), a history of their own.
      this.seed = `${household.first.seed}/${household.userId}`;
      this.historyStart = household.first.historyStart;
      this.clock = household.first.clock;
      this.catalog = household.first.catalog;
      this.userId = household.userId;
      this.displayName = household.displayName;
    } else {
      this.seed = options.seed;
      const start = options.start.getTime();
      const historyDays = options.historyDays ?? 400;
      this.historyStart = Math.floor(start / DAY) * DAY - historyDays * DAY;
      this.clock = { now: start };
      this.catalog = buildCatalog(this.seed, new Date(this.historyStart));
      this.userId = USER_ID;
      this.displayName = 'Sim Listener';
    }
    this.taste = new Taste(this.catalog, this.seed);
    this.accountId = spotifyId(randomStream(this.seed, 'account')).slice(0, 10);
    this.playlists = buildPlaylists(this);
  }

  /** Another listener of this Spotify (`simlistener2`...): same catalogue and clock. */
  housemate(userId: string, displayName: string): World {
    return new World(
      { seed: this.seed, start: new Date(this.now) },
      { first: this, userId, displayName },
    );
  }

  get now(): number {
    return this.clock.now;
  }

  set now(value: number) {
    this.clock.now = value;
  }

  private day(index: number): Stream[] {
    let streams = this.days.get(index);
    if (!streams) {
      streams = generateDay({
        seed: this.seed,
        catalog: this.catalog,
        taste: this.taste,
        historyStart: this.historyStart,
        day: index,
      });
      this.days.set(index, streams);
    }
    return streams;
  }

  /** Every true stream that ended in [from, to), oldest first. */
  streams(from: number, to: number): Stream[] {
    const first = Math.max(
      0,
      Math.floor((Math.max(from, this.historyStart) - this.historyStart) / DAY) - 1,
    );
    const last = Math.floor((to - this.historyStart) / DAY) + 1;
    const out: Stream[] = [];
    for (let d = first; d <= last; d++) {
      for (const s of this.day(d)) if (s.endedAt >= from && s.endedAt < to) out.push(s);
    }
    return out.sort((a, b) => a.endedAt - b.endedAt);
  }

  /** What recently-played knows at `now`: the 50 latest plays it has received, newest first. */
  recentlyPlayed(now = this.now): Stream[] {
    // Look back a week at a time until 50 are found: a listener who paused for a month still
    // has their last 50 plays there.
    const known: Stream[] = [];
    for (let to = now + 1; known.length < 50 && to > this.historyStart; to -= 7 * DAY) {
      const batch = this.streams(to - 7 * DAY, to).filter(
        (s) => inRecentlyPlayed(s) && s.syncedAt <= now,
      );
      known.push(...batch);
    }
    return known.sort((a, b) => b.endedAt - a.endedAt).slice(0, 50);
  }

  /** The stream playing at `now`, if any (private sessions included: the player knows). */
  playingAt(now = this.now): Stream | undefined {
    return this.streams(now - DAY, now + DAY).find((s) => s.startedAt <= now && now < s.endedAt);
  }

  /** Counted plays (tracks, 30 s or more) in the window before `now`, for the top lists. */
  topTracks(
    windowDays: number,
    now = this.now,
  ): Array<{ trackId: string; plays: number; ms: number }> {
    const counts = new Map<string, { trackId: string; plays: number; ms: number }>();
    for (const s of this.streams(now - windowDays * DAY, now)) {
      if (s.contentType !== 'track' || s.msPlayed < 30_000 || !s.trackId) continue;
      const c = counts.get(s.trackId) ?? { trackId: s.trackId, plays: 0, ms: 0 };
      c.plays++;
      c.ms += s.msPlayed;
      counts.set(s.trackId, c);
    }
    return [...counts.values()].sort(
      (a, b) => b.plays - a.plays || b.ms - a.ms || (a.trackId < b.trackId ? -1 : 1),
    );
  }

  topArtists(
    windowDays: number,
    now = this.now,
  ): Array<{ artistId: string; plays: number; ms: number }> {
    const counts = new Map<string, { artistId: string; plays: number; ms: number }>();
    for (const t of this.topTracks(windowDays, now)) {
      const artistId = this.catalog.track.get(t.trackId)?.artistIds[0];
      if (!artistId) continue;
      const c = counts.get(artistId) ?? { artistId, plays: 0, ms: 0 };
      c.plays += t.plays;
      c.ms += t.ms;
      counts.set(artistId, c);
    }
    return [...counts.values()].sort(
      (a, b) => b.plays - a.plays || b.ms - a.ms || (a.artistId < b.artistId ? -1 : 1),
    );
  }

  /**
   * Liked Songs, derived from listening: a track is liked (sometimes) at its 4th play and
   * occasionally un-liked weeks later. Newest first.
   */
  savedTracks(now = this.now): SavedTrack[] {
    const plays = new Map<string, number>();
    const saved: SavedTrack[] = [];
    for (const s of this.streams(this.historyStart, now)) {
      if (s.contentType !== 'track' || s.msPlayed < 30_000 || !s.trackId) continue;
      const n = (plays.get(s.trackId) ?? 0) + 1;
      plays.set(s.trackId, n);
      if (n === 4 && coin(this.seed, `save/${s.trackId}`) < 0.45) {
        const removed = coin(this.seed, `unsave/${s.trackId}`) < 0.08;
        const removedAt = removed
          ? s.endedAt + (20 + Math.floor(coin(this.seed, `unsave-at/${s.trackId}`) * 180)) * DAY
          : null;
        saved.push({
          trackId: s.trackId,
          addedAt: Math.floor((s.endedAt + 5_000) / 1000) * 1000,
          removedAt,
        });
      }
    }
    return saved
      .filter((t) => t.addedAt <= now && (t.removedAt === null || t.removedAt > now))
      .sort((a, b) => b.addedAt - a.addedAt);
  }

  /** Artists followed once they reach 25 plays (most of them). */
  followedArtists(now = this.now): FollowedArtist[] {
    const plays = new Map<string, number>();
    const followed: FollowedArtist[] = [];
    for (const s of this.streams(this.historyStart, now)) {
      if (s.contentType !== 'track' || s.msPlayed < 30_000 || !s.trackId) continue;
      const artistId = this.catalog.track.get(s.trackId)?.artistIds[0];
      if (!artistId) continue;
      const n = (plays.get(artistId) ?? 0) + 1;
      plays.set(artistId, n);
      if (n === 25 && coin(this.seed, `follow/${artistId}`) < 0.7)
        followed.push({ artistId, followedAt: s.endedAt });
    }
    return followed;
  }

  /** Recent favourites as of `at`, for playlist additions. */
  favouriteTracks(at: number, count: number): string[] {
    return this.topTracks(60, at)
      .slice(0, count)
      .map((t) => t.trackId);
  }
}

/** A deterministic number in [0, 1) for a label. */
export function coin(seed: string, label: string): number {
  return hashString(`${seed}/${label}`) / 4294967296;
}

function buildPlaylists(world: World): Playlist[] {
  const random = randomStream(world.seed, 'playlists');
  const start = world.historyStart;
  const weekly = (now: number, from: number) => Math.max(0, Math.floor((now - from) / (7 * DAY)));
  const first = start + 30 * DAY;
  const catalog = world.catalog;
  const tracks = (offset: number, count: number) =>
    catalog.tracks.slice(offset, offset + count).map((t) => t.id);

  const roadTrip = tracks(0, 12);
  const roadTripWeekly = tracks(40, 200);
  const friday = tracks(300, 150);
  const bits = tracks(500, 6);
  const episode = catalog.episodes[3]?.id ?? null;
  const list = (
    name: string,
    description: string,
    extra: Partial<Playlist> & Pick<Playlist, 'itemsAt'>,
  ): Playlist => ({
    id: spotifyId(random),
    name,
    description,
    ownerId: world.userId,
    ownerName: world.displayName,
    collaborative: false,
    public: true,
    ...extra,
  });
  return [
    list('Road Trip 🚗', 'Songs for the autobahn. One more every Monday.', {
      itemsAt: (now) => {
        const items: PlaylistItem[] = roadTrip.map((id, i) => ({
          addedAt: first + i * 60_000,
          addedBy: world.userId,
          kind: 'track',
          id,
        }));
        const weeks = Math.min(roadTripWeekly.length, weekly(now, first));
        for (let w = 0; w < weeks; w++)
          items.push({
            addedAt: first + (w + 1) * 7 * DAY,
            addedBy: world.userId,
            kind: 'track',
            id: roadTripWeekly[w] as string,
          });
        return items.filter((i) => i.addedAt <= now);
      },
    }),
    list('Friday Mix', 'Collaborative: two new songs every Friday.', {
      collaborative: true,
      public: false,
      itemsAt: (now) => {
        const items: PlaylistItem[] = [];
        const weeks = Math.min(friday.length / 2, weekly(now, first + 4 * DAY));
        for (let w = 0; w < weeks; w++) {
          const at = first + 4 * DAY + (w + 1) * 7 * DAY;
          items.push({
            addedAt: at,
            addedBy: world.userId,
            kind: 'track',
            id: friday[2 * w] as string,
          });
          items.push({
            addedAt: at + 3_600_000,
            addedBy: FRIEND_ID,
            kind: 'track',
            id: friday[2 * w + 1] as string,
          });
        }
        return items.filter((i) => i.addedAt <= now);
      },
    }),
    list(
      'khánh ngủyên',
      'Bits & pieces: a podcast episode, a local file and a track that is gone.',
      {
        itemsAt: (now) =>
          [
            ...bits.map(
              (id, i): PlaylistItem => ({
                addedAt: start + (10 + i) * DAY,
                addedBy: world.userId,
                kind: 'track',
                id,
              }),
            ),
            {
              addedAt: start + 20 * DAY,
              addedBy: world.userId,
              kind: 'episode',
              id: episode,
            } satisfies PlaylistItem,
            {
              addedAt: start + 21 * DAY,
              addedBy: world.userId,
              kind: 'local',
              id: null,
              local: {
                artist: 'Garage Band',
                album: 'Demo Tape',
                title: 'Track 01',
                durationMs: 201_000,
              },
            } satisfies PlaylistItem,
            {
              addedAt: start + 22 * DAY,
              addedBy: world.userId,
              kind: 'null',
              id: null,
            } satisfies PlaylistItem,
          ].filter((i) => i.addedAt <= now),
      },
    ),
    list('Top Hits Deutschland', 'The hottest tracks in Germany right now.', {
      ownerId: 'spotify',
      ownerName: 'Spotify',
      itemsAt: () =>
        tracks(700, 50).map((id, i) => ({
          addedAt: start + i * 60_000,
          addedBy: 'spotify',
          kind: 'track',
          id,
        })),
    }),
    list('Sunday Jazz', "A friend's playlist the listener follows.", {
      ownerId: FRIEND_ID,
      ownerName: 'Sim Friend',
      itemsAt: () =>
        tracks(760, 20).map((id, i) => ({
          addedAt: start + i * 60_000,
          addedBy: FRIEND_ID,
          kind: 'track',
          id,
        })),
    }),
  ];
}
