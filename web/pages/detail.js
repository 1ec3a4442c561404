// #/artist/NAME, #/track/KEY, #/album/KEY: one item's page, in one shared layout.

import { api } from '../lib/api.js';
import { barChart, labelWords } from '../lib/charts.js';
import { h, thumb } from '../lib/dom.js';
import { fmt, onDay, when } from '../lib/format.js';
import { albumHref, artistHref, trackHref } from '../lib/router.js';
import { backLink, dataTable, itemList, panel, show, tile } from '../lib/ui.js';

/**
 * The page of one artist, song or album: its figures, minutes by week, month or year, the hours
 * of the day, its rank in the monthly top lists, and what else the kind shows (`more`).
 */
function detailPage({ kind, name, subtitle, data, rankOf, more }) {
  show(
    backLink(),
    h('h1', {}, thumb(data, name), h('span', { 'data-testid': `${kind}-name` }, name)),
    subtitle,
    h(
      'div',
      { class: 'kpis' },
      tile('Plays', h('div', { class: 'value', 'data-value': data.plays }, fmt(data.plays)), {
        'data-testid': `${kind}-plays`,
      }),
      tile('Minutes', h('div', { class: 'value' }, fmt(data.minutes))),
      tile(
        'Share of your music',
        h('div', { class: 'value' }, `${fmt(data.share_of_minutes_percent, 2)}%`),
      ),
      tile('First listen', h('div', {}, when(data.first_listen, data.timezone) ?? '—')),
      tile('Last listen', h('div', {}, when(data.last_listen, data.timezone) ?? '—')),
    ),
    h(
      'div',
      { class: 'grid' },
      overTime(data),
      ...more,
      panel(
        'Hours of the day',
        barChart(
          data.hours.map((x) => ({
            label: `${String(x.hour).padStart(2, '0')}:00`,
            value: x.plays,
          })),
          { caption: 'Plays by hour of the day', unit: 'plays', across: 'hour of the day' },
        ),
      ),
      panel(
        `Rank in your monthly ${rankOf}`,
        data.monthly_rank.length
          ? dataTable(
              ['Month', '#Rank'],
              data.monthly_rank.map((r) => [labelWords(r.month), `#${fmt(r.rank)}`]),
              { 'aria-label': 'Rank by month' },
            )
          : h('p', { class: 'muted' }, `Not in your monthly ${rankOf} yet.`),
      ),
    ),
  );
}

/** How the page counts its plays and minutes over time; the choice holds from page to page. */
const PERIODS = {
  week: { button: 'Week', words: (at) => `Week of ${onDay(at)}`, tickWords: (at) => onDay(at) },
  month: { button: 'Month', words: labelWords },
  year: { button: 'Year', words: String },
};
let shownBy = 'month';

/** Minutes by week, month or year (a choice of three), with the plays beside them in the table. */
function overTime(data) {
  const chart = (by) => {
    const { words, tickWords } = PERIODS[by];
    return barChart(
      data[`${by}s`].map((r) => ({ label: r.period, value: Number(r.minutes), plays: r.plays })),
      {
        caption: `Minutes by ${by}`,
        unit: 'minutes',
        across: by,
        words,
        tickWords,
        columns: [['plays', (d) => fmt(d.plays)]],
      },
    );
  };
  let shown = chart(shownBy);
  const buttons = Object.entries(PERIODS).map(([by, { button }]) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(by === shownBy),
        'data-by': by,
        onclick: () => {
          shownBy = by;
          for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.by === by));
          const next = chart(by);
          shown.replaceWith(next);
          shown = next;
        },
      },
      button,
    ),
  );
  return h(
    'section',
    { class: 'panel wide', 'data-testid': 'over-time' },
    h('h2', {}, 'Plays and minutes over time'),
    h('div', { class: 'controls', role: 'group', 'aria-label': 'Count by' }, buttons),
    shown,
  );
}

/** One artist: `#/artist/NAME`. */
export async function artist(params) {
  const data = await api('artist', { name: params.get('id') ?? '' });
  detailPage({
    kind: 'artist',
    name: data.artist_name,
    subtitle: null,
    data,
    rankOf: 'top artists',
    more: [
      panel('Top songs', songList('artist-tracks', data.top_tracks)),
      libraryPanel(data.library, 'their songs', data.timezone),
    ],
  });
}

/** One song: `#/track/KEY`, with its artist (a link) and album. */
export async function track(params) {
  const data = await api('track', { key: params.get('id') ?? '' });
  detailPage({
    kind: 'track',
    name: data.track_name ?? '?',
    subtitle: h(
      'p',
      { class: 'muted', 'data-testid': 'track-by' },
      data.artist_name
        ? h('a', { href: artistHref(data.artist_name) }, data.artist_name)
        : 'unknown artist',
      data.album_name ? ' · ' : '',
      data.album_name && data.album_key
        ? h('a', { href: albumHref(data.album_key) }, data.album_name)
        : (data.album_name ?? ''),
    ),
    data,
    rankOf: 'top songs',
    more: [libraryPanel(data.library, 'it', data.timezone)],
  });
}

/** Where it sits in your library: the playlists that hold it, and when it was saved. */
function libraryPanel(library, what, timezone) {
  if (!library?.read)
    return panel(
      'In your library',
      h(
        'p',
        { class: 'muted' },
        `Log in to Spotify (wrapped auth login) and run wrapped run to see the playlists that hold ${what} and when you saved ${what === 'it' ? 'it' : 'them'}.`,
      ),
    );
  return panel(
    'In your library',
    h(
      'p',
      { 'data-testid': 'saved-at' },
      library.saved_at.length
        ? `Saved to Liked Songs: ${library.saved_at.map((at) => when(at, timezone)).join(', ')}`
        : 'Not in your Liked Songs.',
    ),
    library.playlists.length
      ? h(
          'ul',
          { class: 'top-list', 'data-testid': 'in-playlists' },
          library.playlists.map((name) => h('li', {}, name)),
        )
      : h('p', { class: 'muted' }, 'In none of your playlists.'),
  );
}

/** A list of songs with their plays, each a link to its page. */
function songList(id, tracks) {
  return itemList(id, tracks, {
    name: (t) => t.track_name ?? '?',
    href: (t) => t.track_key && trackHref(t.track_key),
    figure: (t) => `${fmt(t.plays)} plays`,
  });
}

/** One album: `#/album/KEY`, with the artist you played most on it and its songs you played. */
export async function album(params) {
  const data = await api('album', { key: params.get('id') ?? '' });
  detailPage({
    kind: 'album',
    name: data.album_name ?? '?',
    subtitle: h(
      'p',
      { class: 'muted', 'data-testid': 'album-by' },
      data.artist_name
        ? h('a', { href: artistHref(data.artist_name) }, data.artist_name)
        : 'various artists',
    ),
    data,
    rankOf: 'top albums',
    more: [
      panel('Its songs you played', songList('album-tracks', data.tracks)),
      libraryPanel(data.library, 'its songs', data.timezone),
    ],
  });
}
