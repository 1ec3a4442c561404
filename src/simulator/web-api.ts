import type { Accounts } from './accounts.js';
import type { Album, Artist, Episode, Track } from './catalog.js';
import { apiError, json, type SimRequest, type SimResponse } from './http.js';
import type { Stream } from './listener.js';
import {
  fullAlbum,
  fullArtist,
  fullEpisode,
  fullTrack,
  localTrack,
  type ShapeOptions,
} from './objects.js';
import { SPOTIFY_ID } from './random.js';
import type { Playlist, World } from './world.js';

export interface ApiSettings {
  /** Playlist items carry `track` (apps registered before Feb 2026) instead of `item`. */
  legacyItemKey: boolean;
  /** Keep the fields removed for development-mode apps (popularity, followers, genres...). */
  legacyFields: boolean;
}

type Handler = (req: SimRequest, params: string[]) => SimResponse;

const RANGES: Record<string, number> = { short_term: 28, medium_term: 182, long_term: 365 };

/**
 * The Web API under /v1, with the shapes and rules a development-mode app meets in late 2026
 * (SPOTIFY.md). Responses are built from the simulated world at the simulated clock's time.
 */
export class WebApi {
  private readonly routes: Array<{ pattern: RegExp; scope?: string; handler: Handler }>;

  /** The listener the request being answered is for (handlers answer synchronously). */
  private world!: World;

  constructor(
    /** The listener behind a token's account (the simulated Spotify's users). */
    private readonly worldOf: (user: string) => World | undefined,
    private readonly accounts: Accounts,
    private readonly settings: ApiSettings,
    private readonly apiBase: () => string,
  ) {
    const r = (pattern: RegExp, handler: Handler, scope?: string) => ({ pattern, handler, scope });
    this.routes = [
      r(/^\/me$/, () => this.me()),
      r(
        /^\/me\/player\/recently-played$/,
        (q) => this.recentlyPlayed(q),
        'user-read-recently-played',
      ),
      r(
        /^\/me\/player\/currently-playing$/,
        (q) => this.currentlyPlaying(q, false),
        'user-read-currently-playing',
      ),
      r(/^\/me\/player$/, (q) => this.currentlyPlaying(q, true), 'user-read-playback-state'),
      r(
        /^\/me\/top\/(artists|tracks)$/,
        (q, [type]) => this.top(q, type as string),
        'user-top-read',
      ),
      r(/^\/me\/tracks$/, (q) => this.savedTracks(q), 'user-library-read'),
      r(/^\/me\/playlists$/, (q) => this.myPlaylists(q), 'playlist-read-private'),
      r(/^\/me\/following$/, (q) => this.following(q), 'user-follow-read'),
      r(/^\/playlists\/([^/]+)$/, (q, [id]) => this.playlist(q, id as string)),
      r(/^\/playlists\/([^/]+)\/items$/, (q, [id]) => this.playlistItems(q, id as string)),
      r(/^\/tracks\/([^/]+)$/, (_q, [id]) =>
        this.lookup(
          id as string,
          (i) => this.world.catalog.track.get(i),
          (t) => fullTrack(t as Track, this.world.catalog, this.shape()),
        ),
      ),
      r(/^\/artists\/([^/]+)$/, (_q, [id]) =>
        this.lookup(
          id as string,
          (i) => this.world.catalog.artist.get(i),
          (a) => fullArtist(a as Artist, this.shape()),
        ),
      ),
      r(/^\/albums\/([^/]+)$/, (_q, [id]) =>
        this.lookup(
          id as string,
          (i) => this.world.catalog.album.get(i),
          (a) => fullAlbum(a as Album, this.world.catalog, this.shape()),
        ),
      ),
      r(/^\/episodes\/([^/]+)$/, (_q, [id]) =>
        this.lookup(
          id as string,
          (i) => this.world.catalog.episode.get(i),
          (e) => fullEpisode(e as Episode, this.world.catalog, this.shape()),
        ),
      ),
      // Gone for development-mode apps (Nov 2024): forbidden.
      r(/^\/(audio-features|audio-analysis|recommendations)(\/.*)?$/, () =>
        apiError(403, 'Forbidden'),
      ),
      r(/^\/artists\/[^/]+\/(related-artists|top-tracks)$/, () => apiError(403, 'Forbidden')),
      // Removed in Feb 2026: batch lookups and the old playlist tracks endpoint.
      r(/^\/(tracks|artists|albums|episodes)$/, () => apiError(404, 'Not found')),
      r(/^\/playlists\/[^/]+\/tracks$/, () => apiError(404, 'Not found')),
    ];
  }

  handle(req: SimRequest): SimResponse {
    const path = req.path.replace(/^\/v1/, '');
    const route = this.routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
    if (!route?.m) return apiError(404, 'Service not found');
    if (req.method !== 'GET') return apiError(405, 'Method not allowed');
    const token = this.accounts.checkBearer(req.headers.authorization);
    if (!token.ok) return token.response;
    const world = this.worldOf(token.user);
    if (!world) return apiError(401, 'Invalid access token');
    this.world = world;
    if (route.r.scope && !token.scope.has(route.r.scope))
      return apiError(403, 'Insufficient client scope');
    return route.r.handler(req, route.m.slice(1));
  }

  private shape(): ShapeOptions {
    return { api: this.apiBase(), legacyFields: this.settings.legacyFields };
  }

  private me(): SimResponse {
    const api = this.apiBase();
    return json(200, {
      account_id: this.world.accountId,
      display_name: this.world.displayName,
      external_urls: { spotify: `https://open.spotify.com/user/${this.world.userId}` },
      href: `${api}/users/${this.world.userId}`,
      id: this.world.userId,
      images: [],
      type: 'user',
      uri: `spotify:user:${this.world.userId}`,
    });
  }

  private limit(req: SimRequest, fallback = 20): number | SimResponse {
    const raw = req.query.get('limit');
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 50) return apiError(400, 'Invalid limit');
    return n;
  }

  private offset(req: SimRequest): number | SimResponse {
    const raw = req.query.get('offset');
    if (raw === null) return 0;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) return apiError(400, 'Invalid offset');
    return n;
  }

  private page<T>(req: SimRequest, all: T[], render: (item: T) => unknown): SimResponse {
    const limit = this.limit(req);
    if (typeof limit !== 'number') return limit;
    const offset = this.offset(req);
    if (typeof offset !== 'number') return offset;
    const url = (o: number) => {
      const u = new URL(`${this.apiBase()}${req.path.replace(/^\/v1/, '')}`);
      for (const [k, v] of req.query) if (k !== 'offset' && k !== 'limit') u.searchParams.set(k, v);
      u.searchParams.set('offset', String(o));
      u.searchParams.set('limit', String(limit));
      return u.toString();
    };
    return json(200, {
      href: url(offset),
      items: all.slice(offset, offset + limit).map(render),
      limit,
      next: offset + limit < all.length ? url(offset + limit) : null,
      offset,
      previous: offset > 0 ? url(Math.max(0, offset - limit)) : null,
      total: all.length,
    });
  }

  private recentlyPlayed(req: SimRequest): SimResponse {
    const limit = this.limit(req);
    if (typeof limit !== 'number') return limit;
    const after = req.query.get('after');
    const before = req.query.get('before');
    if (after !== null && before !== null)
      return apiError(400, 'Only one of before or after may be specified');
    for (const [name, value] of [
      ['after', after],
      ['before', before],
    ] as const) {
      if (value !== null && !/^\d+$/.test(value)) return apiError(400, `Invalid ${name} cursor`);
    }
    let items = this.world.recentlyPlayed(); // newest first, at most 50
    if (after !== null) items = items.filter((s) => s.endedAt > Number(after)).slice(-limit);
    else if (before !== null)
      items = items.filter((s) => s.endedAt < Number(before)).slice(0, limit);
    else items = items.slice(0, limit);
    const shape = this.shape();
    const href = new URL(`${this.apiBase()}/me/player/recently-played`);
    for (const [k, v] of req.query) href.searchParams.set(k, v);
    const oldest = items[items.length - 1];
    const newest = items[0];
    const hasOlder =
      oldest !== undefined && this.world.recentlyPlayed().some((s) => s.endedAt < oldest.endedAt);
    const next = new URL(`${this.apiBase()}/me/player/recently-played`);
    if (oldest) {
      next.searchParams.set('before', String(oldest.endedAt));
      next.searchParams.set('limit', String(limit));
    }
    return json(200, {
      items: items.map((s) => ({
        track: fullTrack(
          this.world.catalog.track.get(s.trackId as string) as Track,
          this.world.catalog,
          shape,
        ),
        played_at: new Date(s.endedAt).toISOString(),
        context: this.context(s),
      })),
      next: hasOlder ? next.toString() : null,
      cursors:
        newest && oldest ? { after: String(newest.endedAt), before: String(oldest.endedAt) } : {},
      limit,
      href: href.toString(),
    });
  }

  private currentlyPlaying(req: SimRequest, withDevice: boolean): SimResponse {
    const now = this.world.now;
    const stream = this.world.playingAt(now);
    if (!stream || stream.private) return { status: 204 };
    const shape = this.shape();
    const item = stream.trackId
      ? fullTrack(this.world.catalog.track.get(stream.trackId) as Track, this.world.catalog, shape)
      : fullEpisode(
          this.world.catalog.episode.get(stream.episodeId as string) as Episode,
          this.world.catalog,
          shape,
        );
    // Without additional_types=episode, Spotify answers an episode with `item: null`.
    const episodes = (req.query.get('additional_types') ?? '').split(',').includes('episode');
    const body: Record<string, unknown> = {
      timestamp: stream.startedAt,
      context: stream.trackId ? this.context(stream) : null,
      progress_ms: now - stream.startedAt,
      is_playing: true,
      item: stream.trackId || episodes ? item : null,
      currently_playing_type: stream.trackId ? 'track' : 'episode',
      actions: { disallows: { resuming: true } },
    };
    if (withDevice) {
      Object.assign(body, {
        device: {
          id: 'sim-device-1',
          is_active: true,
          is_private_session: false,
          is_restricted: false,
          name: 'Sim Phone',
          type: 'Smartphone',
          volume_percent: 70,
          supports_volume: true,
        },
        repeat_state: 'off',
        shuffle_state: stream.shuffle,
      });
    }
    return json(200, body);
  }

  /**
   * Where a stream was played from. Spotify often sends null (SPOTIFY.md); here an album played
   * in order has the album as context, and shuffled listening has none.
   */
  private context(stream: Stream): Record<string, unknown> | null {
    if (stream.shuffle || !stream.trackId) return null;
    const albumId = this.world.catalog.track.get(stream.trackId)?.albumId;
    if (!albumId) return null;
    return {
      type: 'album',
      href: `${this.apiBase()}/albums/${albumId}`,
      external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      uri: `spotify:album:${albumId}`,
    };
  }

  private top(req: SimRequest, type: string): SimResponse {
    const range = req.query.get('time_range') ?? 'medium_term';
    const days = RANGES[range];
    if (days === undefined) return apiError(400, 'Invalid time range');
    const shape = this.shape();
    const catalog = this.world.catalog;
    if (type === 'artists') {
      return this.page(req, this.world.topArtists(days), (a) =>
        fullArtist(catalog.artist.get(a.artistId) as Artist, shape),
      );
    }
    return this.page(req, this.world.topTracks(days), (t) =>
      fullTrack(catalog.track.get(t.trackId) as Track, catalog, shape),
    );
  }

  private savedTracks(req: SimRequest): SimResponse {
    const shape = this.shape();
    return this.page(req, this.world.savedTracks(), (s) => ({
      added_at: new Date(s.addedAt).toISOString().replace('.000Z', 'Z'),
      track: fullTrack(this.world.catalog.track.get(s.trackId) as Track, this.world.catalog, shape),
    }));
  }

  private simplifiedPlaylist(p: Playlist) {
    const api = this.apiBase();
    const items = p.itemsAt(this.world.now);
    return {
      collaborative: p.collaborative,
      description: p.description,
      external_urls: { spotify: `https://open.spotify.com/playlist/${p.id}` },
      href: `${api}/playlists/${p.id}`,
      id: p.id,
      images: [],
      name: p.name,
      owner: {
        external_urls: { spotify: `https://open.spotify.com/user/${p.ownerId}` },
        href: `${api}/users/${p.ownerId}`,
        id: p.ownerId,
        type: 'user',
        uri: `spotify:user:${p.ownerId}`,
        display_name: p.ownerName,
      },
      public: p.public,
      snapshot_id: snapshotId(p, items.length),
      items: { href: `${api}/playlists/${p.id}/items`, total: items.length },
      type: 'playlist',
      uri: `spotify:playlist:${p.id}`,
    };
  }

  private myPlaylists(req: SimRequest): SimResponse {
    return this.page(req, this.world.playlists, (p) => this.simplifiedPlaylist(p));
  }

  private readablePlaylist(id: string): Playlist | SimResponse {
    if (!SPOTIFY_ID.test(id)) return apiError(400, 'Invalid base62 id');
    const playlist = this.world.playlists.find((p) => p.id === id);
    if (!playlist) return apiError(404, 'Resource not found');
    // Development mode: only playlists the user owns or collaborates on can be read.
    if (playlist.ownerId !== this.world.userId && !playlist.collaborative)
      return apiError(403, 'Forbidden');
    return playlist;
  }

  private playlist(req: SimRequest, id: string): SimResponse {
    const playlist = this.readablePlaylist(id);
    if (!('itemsAt' in playlist)) return playlist;
    const itemsPage = this.playlistItems(req, id);
    return json(200, {
      ...this.simplifiedPlaylist(playlist),
      followers: { href: null, total: 0 },
      items: itemsPage.json,
    });
  }

  private playlistItems(req: SimRequest, id: string): SimResponse {
    const playlist = this.readablePlaylist(id);
    if (!('itemsAt' in playlist)) return playlist;
    const shape = this.shape();
    const catalog = this.world.catalog;
    const api = this.apiBase();
    const key = this.settings.legacyItemKey ? 'track' : 'item';
    return this.page(req, playlist.itemsAt(this.world.now), (i) => {
      let item: unknown = null;
      if (i.kind === 'track' && i.id)
        item = fullTrack(catalog.track.get(i.id) as Track, catalog, shape);
      else if (i.kind === 'episode' && i.id)
        item = fullEpisode(catalog.episode.get(i.id) as Episode, catalog, shape);
      else if (i.kind === 'local' && i.local) item = localTrack(i.local);
      return {
        added_at: new Date(i.addedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        added_by: {
          external_urls: { spotify: `https://open.spotify.com/user/${i.addedBy}` },
          href: `${api}/users/${i.addedBy}`,
          id: i.addedBy,
          type: 'user',
          uri: `spotify:user:${i.addedBy}`,
        },
        is_local: i.kind === 'local',
        [key]: item,
      };
    });
  }

  private following(req: SimRequest): SimResponse {
    if (req.query.get('type') !== 'artist')
      return apiError(400, "Bad request. Type must be 'artist'");
    const limit = this.limit(req);
    if (typeof limit !== 'number') return limit;
    const after = req.query.get('after');
    const all = this.world.followedArtists().sort((a, b) => (a.artistId < b.artistId ? -1 : 1));
    const rest = after ? all.filter((f) => f.artistId > after) : all;
    const items = rest.slice(0, limit);
    const last = items[items.length - 1];
    const api = this.apiBase();
    const hasMore = rest.length > limit;
    return json(200, {
      artists: {
        href: `${api}/me/following?type=artist&limit=${limit}${after ? `&after=${after}` : ''}`,
        items: items.map((f) =>
          fullArtist(this.world.catalog.artist.get(f.artistId) as Artist, this.shape()),
        ),
        limit,
        next:
          hasMore && last
            ? `${api}/me/following?type=artist&after=${last.artistId}&limit=${limit}`
            : null,
        cursors: hasMore && last ? { after: last.artistId } : {},
        total: all.length,
      },
    });
  }

  private lookup<T>(
    id: string,
    find: (id: string) => T | undefined,
    render: (item: T) => unknown,
  ): SimResponse {
    if (!SPOTIFY_ID.test(id)) return apiError(400, 'Invalid base62 id');
    const item = find(id);
    if (!item) return apiError(404, 'Resource not found');
    return json(200, render(item));
  }
}

function snapshotId(playlist: Playlist, count: number): string {
  return Buffer.from(`${playlist.id}:${count}`).toString('base64url');
}
