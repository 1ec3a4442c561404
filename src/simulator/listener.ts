import type { Catalog } from './catalog.js';
import { chance, int, pick, type Random, randomStream, weightedIndex } from './random.js';
import { zonedToUtc } from './timezone.js';

/** One true stream of the simulated listener: the ground truth everything else is compared to. */
export interface Stream {
  startedAt: number; // epoch ms
  endedAt: number; // epoch ms: Spotify's played_at and the export's ts
  msPlayed: number;
  contentType: 'track' | 'episode';
  trackId: string | null;
  episodeId: string | null;
  /** Private session: never in recently-played; in the export with incognito_mode. */
  private: boolean;
  /** Played offline: reaches the API at `syncedAt`, hours later, with its original time. */
  offline: boolean;
  syncedAt: number;
  platform: string;
  reasonStart: string;
  reasonEnd: string;
  shuffle: boolean;
  skipped: boolean;
  country: string;
}

/** Does the Web API's recently-played ever show this stream? (tracks, over 30 s, not private) */
export const inRecentlyPlayed = (s: Stream): boolean =>
  s.contentType === 'track' && s.msPlayed >= 30_000 && !s.private;

export const LISTENER_TIMEZONE = 'Europe/Berlin';
const DAY = 86_400_000;

interface SessionPlan {
  startMinute: number; // minutes after local midnight (may exceed 1440)
  tracks: number;
  podcast: boolean;
}

/**
 * The listener's taste: an order of artists (favourites first) that widens over time as new
 * artists are discovered, each new discovery enjoying a few weeks of heavy rotation.
 */
export class Taste {
  readonly artistOrder: string[];
  private readonly trackOrder = new Map<string, string[]>();

  constructor(catalog: Catalog, seed: string) {
    const random = randomStream(seed, 'taste');
    this.artistOrder = shuffle(
      random,
      catalog.artists.map((a) => a.id),
    );
    for (const artist of catalog.artists) {
      const tracks = artist.albumIds.flatMap((id) => catalog.album.get(id)?.trackIds ?? []);
      this.trackOrder.set(artist.id, shuffle(random, tracks));
    }
  }

  /** How many artists the listener knows on day `day` of their history. */
  knownArtists(day: number): number {
    return Math.min(this.artistOrder.length, 30 + Math.floor(day / 8));
  }

  cumulativeWeights(day: number): number[] {
    const known = this.knownArtists(day);
    const weights: number[] = [];
    let total = 0;
    for (let i = 0; i < known; i++) {
      const discoveredOn = i < 30 ? -1000 : (i - 30) * 8;
      const novelty = 1 + 4 * Math.exp(-(day - discoveredOn) / 18);
      total += novelty / (i + 1) ** 1.05;
      weights.push(total);
    }
    return weights;
  }

  pickTrack(random: Random, artistId: string): string {
    const tracks = this.trackOrder.get(artistId) ?? [];
    const cumulative: number[] = [];
    let total = 0;
    for (let i = 0; i < tracks.length; i++) {
      total += 1 / (i + 1) ** 1.3;
      cumulative.push(total);
    }
    return tracks[weightedIndex(random, cumulative)] as string;
  }
}

function shuffle<T>(random: Random, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function planDay(random: Random, weekday: number): SessionPlan[] {
  const weekend = weekday === 0 || weekday === 6;
  const slots: Array<[number, number, number, number, number]> = weekend
    ? [
        [0.6, 10 * 60, 12 * 60, 8, 20],
        [0.5, 14 * 60, 17 * 60, 5, 15],
        [0.7, 19 * 60, 23 * 60, 8, 25],
      ]
    : [
        [0.55, 7 * 60, 8 * 60 + 30, 6, 14],
        [0.25, 12 * 60, 13 * 60, 3, 8],
        [0.8, 18 * 60, 22 * 60, 8, 25],
        [0.15, 23 * 60, 24 * 60 + 30, 3, 10],
      ];
  // Some weekdays the listener works from home with music on all day: a long session.
  if (!weekend) slots.push([0.2, 9 * 60 + 30, 10 * 60 + 30, 70, 110]);
  const plans: SessionPlan[] = [];
  for (const [p, from, to, min, max] of slots) {
    if (chance(random, p))
      plans.push({
        startMinute: int(random, from, to),
        tracks: int(random, min, max),
        podcast: false,
      });
  }
  if (chance(random, weekend ? 0.15 : 0.35))
    plans.push({ startMinute: int(random, 6 * 60 + 30, 7 * 60 + 30), tracks: 0, podcast: true });
  return plans.sort((a, b) => a.startMinute - b.startMinute);
}

/**
 * Generates the streams of one local day (`day` counts from the start of the history).
 * Deterministic: depends only on the seed, the catalogue and the day.
 */
export function generateDay(options: {
  seed: string;
  catalog: Catalog;
  taste: Taste;
  historyStart: number;
  day: number;
}): Stream[] {
  const { seed, catalog, taste, day } = options;
  const random = randomStream(seed, `day/${day}`);
  const date = new Date(options.historyStart + day * DAY);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const weights = taste.cumulativeWeights(day);
  const streams: Stream[] = [];
  let cursor = 0;
  for (const plan of planDay(random, date.getUTCDay())) {
    let at = Math.max(
      zonedToUtc(y, m, d, plan.startMinute, LISTENER_TIMEZONE) + int(random, 0, 59_999),
      cursor,
    );
    const isPrivate = chance(random, 0.03);
    const offline = !isPrivate && chance(random, 0.06);
    const platform =
      plan.podcast || plan.startMinute < 9 * 60
        ? 'android'
        : pick(random, ['android', 'android', 'windows', 'web_player']);
    const shuffleOn = chance(random, 0.5);
    const session: Stream[] = [];
    if (plan.podcast) {
      const shows = catalog.shows;
      const show =
        shows[day % 2 === 0 ? 0 : Math.min(shows.length - 1, int(random, 0, shows.length - 1))];
      const released = (show?.episodeIds ?? [])
        .map((id) => catalog.episode.get(id))
        .filter((e) => e && Date.parse(e.releaseDate) <= at);
      const episode =
        released[released.length - 1 - int(random, 0, Math.min(2, released.length - 1))];
      if (episode) {
        const ms = Math.round(episode.durationMs * (0.4 + 0.6 * random()));
        session.push(
          stream(
            at,
            ms,
            'episode',
            null,
            episode.id,
            'playbtn',
            ms >= episode.durationMs - 1000 ? 'trackdone' : 'endplay',
          ),
        );
        at += ms + int(random, 500, 5000);
      }
    }
    let previousTrack: string | undefined;
    let reasonStart = pick(random, ['clickrow', 'playbtn', 'appload']);
    for (let i = 0; i < plan.tracks; i++) {
      let trackId: string;
      const previous = previousTrack ? catalog.track.get(previousTrack) : undefined;
      const album = previous ? catalog.album.get(previous.albumId) : undefined;
      if (previous && chance(random, 0.04)) trackId = previous.id;
      else if (
        previous &&
        album &&
        !shuffleOn &&
        chance(random, 0.35) &&
        previous.trackNumber < album.trackIds.length
      ) {
        trackId = album.trackIds[previous.trackNumber] as string;
      } else {
        const artistId = taste.artistOrder[weightedIndex(random, weights)] as string;
        trackId = taste.pickTrack(random, artistId);
      }
      const track = catalog.track.get(trackId);
      if (!track) continue;
      let ms: number;
      let reasonEnd: string;
      const roll = random();
      if (roll < 0.02) [ms, reasonEnd] = [0, 'fwdbtn'];
      else if (roll < 0.19) [ms, reasonEnd] = [int(random, 1_500, 28_000), 'fwdbtn'];
      else if (roll < 0.24)
        [ms, reasonEnd] = [
          int(random, 30_000, Math.max(30_000, track.durationMs - 5_000)),
          i === plan.tracks - 1 ? 'endplay' : 'fwdbtn',
        ];
      else [ms, reasonEnd] = [track.durationMs, 'trackdone'];
      session.push(stream(at, ms, 'track', track.id, null, reasonStart, reasonEnd));
      at += ms + int(random, 0, 1_500);
      reasonStart = reasonEnd === 'trackdone' ? 'trackdone' : 'fwdbtn';
      previousTrack = track.id;
    }
    const sessionEnd = at;
    const syncDelay = offline ? int(random, 1, 12) * 3_600_000 + int(random, 0, 3_599_999) : 0;
    for (const s of session) {
      s.private = isPrivate;
      s.offline = offline;
      s.syncedAt = offline ? sessionEnd + syncDelay : s.endedAt;
      s.platform = platform;
      s.shuffle = shuffleOn;
      streams.push(s);
    }
    cursor = at + 60_000;
  }
  return streams;

  function stream(
    startedAt: number,
    msPlayed: number,
    contentType: 'track' | 'episode',
    trackId: string | null,
    episodeId: string | null,
    reasonStart: string,
    reasonEnd: string,
  ): Stream {
    return {
      startedAt,
      endedAt: startedAt + msPlayed,
      msPlayed,
      contentType,
      trackId,
      episodeId,
      private: false,
      offline: false,
      syncedAt: startedAt + msPlayed,
      platform: 'android',
      reasonStart,
      reasonEnd,
      shuffle: false,
      skipped: reasonEnd === 'fwdbtn' && msPlayed < 30_000,
      country: 'DE',
    };
  }
}
