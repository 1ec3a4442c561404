// #/wrapped: a year's Wrapped, as a story (pages/story.js) and all its figures as cards.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { fmt, onDay } from '../lib/format.js';
import { savePng } from '../lib/png-card.js';
import { albumHref, artistHref, go, trackHref } from '../lib/router.js';
import { dataTable, exportWouldAdd, show } from '../lib/ui.js';
import { openStory } from './story.js';

/**
 * A year's Wrapped (`?year=2026`), or any days' (`?from=2025-06-01&to=2025-08-31`): the
 * story, and all its figures as cards. `name` is what it is called on the page and the cards;
 * `tag` what its files are called; `where` the address without a slide.
 */
export async function wrapped(params) {
  const days = params.has('from') || params.has('to');
  const data = await api(
    'wrapped',
    days ? { from: params.get('from'), to: params.get('to') } : { year: params.get('year') },
  );
  const y = data.year;
  const range = data.range ?? null;
  const name = range ? `${onDay(range.from)} – ${onDay(range.to)}` : String(y.year);
  const year = range ? `${range.from}_${range.to}` : String(y.year);
  const where = range
    ? `#/wrapped?from=${range.from}&to=${range.to}`
    : `#/wrapped?year=${String(y.year)}`;
  const card = (id, title, ...lines) => {
    const el = h(
      'section',
      { class: 'card', 'data-card': id },
      h('h2', {}, title),
      lines
        .filter((line) => line !== null)
        .map((line, i) =>
          i === 0
            ? h('div', { class: 'big', 'data-line': '' }, line)
            : h('div', { 'data-line': '' }, line),
        ),
    );
    el.append(
      h(
        'button',
        { type: 'button', onclick: () => savePng(el, `wrapped-${year}-${id}.png`, `your ${name}`) },
        'Save as PNG',
      ),
    );
    return el;
  };
  // A top list's lines: each name a link to its page, its plays after it.
  const numbered = (rows, name, href, first = 1) =>
    rows.map((r, i) =>
      h('span', {}, `${i + first}. `, link(href(r), name(r)), ` (${fmt(r.plays)})`),
    );
  // The story (one figure a slide) over the grid of all figures; its slide is in the address.
  const address = (slide) => `${where}${slide ? `&slide=${slide}` : ''}`;
  const play = (startId) =>
    openStory(data, {
      name,
      tag: year,
      startId,
      onMove: (slide) => window.history.replaceState(null, '', address(slide)),
      onClose: () => window.history.replaceState(null, '', address()),
    });
  const [topSong] = data.top_tracks;
  const [topAlbum] = data.top_albums;
  const dayInput = (id, label, value) =>
    h('label', {}, label, h('input', { id, type: 'date', value: value ?? '', required: true }));
  show(
    h('h1', {}, range ? `Your Wrapped, ${name}` : `Your ${name} Wrapped`),
    h(
      'button',
      { type: 'button', class: 'play-story', 'data-testid': 'play-story', onclick: () => play() },
      '▶ Play your story',
    ),
    h('p', { class: 'muted' }, 'Or read all the figures at once, below.'),
    exportWouldAdd(data.missing_years),
    h(
      'div',
      { class: 'controls' },
      h(
        'label',
        {},
        'Year',
        h(
          'select',
          { id: 'year', onchange: (e) => go('wrapped', { year: e.target.value }) },
          range ? h('option', { value: '', selected: true }, 'Pick a year') : null,
          data.years.map((value) => h('option', { value, selected: value === year }, value)),
        ),
      ),
      // Or any days: a summer, a trip, the months since a move.
      h(
        'form',
        {
          class: 'days',
          'data-testid': 'wrapped-days',
          onsubmit: (event) => {
            event.preventDefault();
            const from = event.target.querySelector('#wrapped-from').value;
            const to = event.target.querySelector('#wrapped-to').value;
            if (from && to) go('wrapped', { from, to });
          },
        },
        dayInput('wrapped-from', 'From', range?.from),
        dayInput('wrapped-to', 'To', range?.to),
        h('button', { type: 'submit' }, 'Show those days'),
      ),
    ),
    h(
      'div',
      { class: 'cards' },
      card(
        'minutes',
        'Minutes listened',
        fmt(y.minutes),
        `${fmt(y.plays)} plays`,
        y.has_estimated_minutes
          ? 'some minutes estimated from the API'
          : 'minutes as Spotify counted them',
        y.unidentified_minutes > 0
          ? `plus ${fmt(y.unidentified_minutes)} min of unidentified listening (songs Spotify no longer names), not counted here`
          : null,
      ),
      card(
        'top-artist',
        'Top artist',
        y.top_artist ? link(artistHref(y.top_artist), y.top_artist) : '—',
        ...numbered(
          data.top_artists.slice(1),
          (r) => r.artist_name,
          (r) => artistHref(r.artist_name),
          2,
        ),
      ),
      card(
        'top-songs',
        'Top songs',
        topSong ? link(trackHref(topSong.track_key), topSong.track_name) : '—',
        ...numbered(
          data.top_tracks,
          (r) => `${r.track_name} — ${r.artist_name ?? '?'}`,
          (r) => trackHref(r.track_key),
        ),
      ),
      card(
        'top-albums',
        'Top albums',
        topAlbum ? link(albumHref(topAlbum.album_key), topAlbum.album_name) : '—',
        ...numbered(
          data.top_albums,
          (r) => r.album_name,
          (r) => albumHref(r.album_key),
        ),
      ),
      card(
        'peak-hour',
        'Peak hour',
        y.peak_hour === null ? '—' : `${String(y.peak_hour).padStart(2, '0')}:00`,
        `Biggest day: ${y.most_played_day ? onDay(y.most_played_day) : '—'} (${fmt(y.most_played_day_minutes)} min)`,
      ),
      card(
        'streak',
        'Longest streak',
        `${fmt(y.longest_streak_days)} days`,
        `${fmt(y.unique_tracks)} songs by ${fmt(y.unique_artists)} artists`,
      ),
      card(
        'discoveries',
        'New discoveries',
        `${fmt(y.new_artists)} artists`,
        range ? 'first heard in these days' : 'first heard this year',
      ),
      card('podcasts', 'Podcasts', `${fmt(y.podcast_minutes)} min`, 'of episodes'),
    ),
    // Spotify's own Wrapped is of a year: beside a year only.
    range ? null : spotifySide(data.spotify_wrapped, year),
  );
  if (params.get('slide')) play(params.get('slide'));
}

/** A name on a card, a link to its page. */
const link = (href, name) => h('a', { href }, name);

/** Spotify's own Wrapped (WrappedYYYY.json in the export) beside ours, each difference with why. */
function spotifySide(beside, year) {
  if (!beside)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'spotify-none' },
      `Your export holds no Wrapped${year}.json, so Spotify's own figures for ${year} cannot be shown beside these.`,
    );
  const { spotify, differences } = beside;
  const songs = spotify.top_tracks.map(
    (t) =>
      `${t.rank}. ${t.name ?? 'a song this history never names'}${t.artist_name ? ` — ${t.artist_name}` : ''}${t.plays === null ? '' : ` (Spotify ${fmt(t.plays)}, here ${fmt(t.our_plays)})`}`,
  );
  const artists = spotify.top_artists.map(
    (a) => `${a.rank}. ${a.name ?? 'an artist this history never names'}`,
  );
  const only = Object.entries(spotify.only_spotify).map(
    ([k, v]) => `${k.replaceAll('_', ' ')}: ${typeof v === 'number' ? fmt(v, 3) : v}`,
  );
  return h(
    'section',
    { class: 'spotify-side', 'data-testid': 'spotify-side' },
    h('h2', {}, `Spotify's own Wrapped ${year}, beside yours`),
    h(
      'p',
      { class: 'muted' },
      'From Wrapped' +
        year +
        '.json in your export. Spotify counts from 1 January to about mid-November.',
    ),
    differences.length
      ? dataTable(
          ['Figure', 'Spotify', 'Here', 'Why they differ'],
          differences.map((d) => [
            d.label,
            fmt(d.spotify),
            d.ours === null ? '—' : fmt(d.ours),
            d.reason,
          ]),
          { 'data-testid': 'spotify-differences' },
        )
      : h('p', {}, 'Every figure both sides have is the same.'),
    h(
      'div',
      { class: 'cards' },
      songs.length
        ? h(
            'section',
            { class: 'card' },
            h('h2', {}, "Spotify's top songs"),
            songs.map((line) => h('div', {}, line)),
          )
        : null,
      artists.length
        ? h(
            'section',
            { class: 'card' },
            h('h2', {}, "Spotify's top artists"),
            artists.map((line) => h('div', {}, line)),
          )
        : null,
      only.length
        ? h(
            'section',
            { class: 'card' },
            h('h2', {}, 'Only Spotify has'),
            only.map((line) => h('div', {}, line)),
          )
        : null,
    ),
  );
}
