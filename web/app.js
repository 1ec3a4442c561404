// wrapped-me dashboard: plain ES modules, no framework. Every value from the API is put in the
// page as text (textContent), never as HTML. Pages: #/overview, #/wrapped, #/history,
// #/library, #/health; their state lives in the hash, so every view has a shareable address.

import { barChart, comparisonChart, labelWords } from './lib/charts.js';
import { h, thumb } from './lib/dom.js';
import { fmt, onDay, sourceWords, wallTime, when } from './lib/format.js';
import { savePng } from './lib/png-card.js';
import { openStory } from './pages/story.js';

const main = document.getElementById('main');
const EMPTY = 'No data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`.';
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const response = await fetch(`/api/${path}${query.size ? `?${query}` : ''}`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new ApiError(response.status, body?.error?.message ?? response.statusText);
  return body;
}

function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  // `#/artist/<name>`: a page of one artist (the name, URI-encoded, is its id here).
  const [page, id] = path.split('/', 2);
  if (id !== undefined) params.set('id', decodeURIComponent(id));
  return { page: page || 'overview', params };
}

/** Where an artist's and a song's pages are. */
const artistHref = (name) => `#/artist/${encodeURIComponent(name)}`;
const trackHref = (key) => `#/track/${encodeURIComponent(key)}`;
const albumHref = (key) => `#/album/${encodeURIComponent(key)}`;

function go(page, params) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  location.hash = `#/${page}${query ? `?${query}` : ''}`;
}

function show(...nodes) {
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

function emptyState(message = EMPTY) {
  return h('div', { class: 'empty', 'data-testid': 'empty' }, h('p', {}, message));
}

function failure(error) {
  if (error instanceof ApiError && error.status === 409) return emptyState();
  return h('p', { class: 'error', role: 'alert' }, `Could not load this page: ${error.message}`);
}

function dataTable(headers, rows, attrs = {}) {
  const numeric = headers.map((c) => c.startsWith('#'));
  const cell = (value, i) =>
    value instanceof HTMLTableCellElement
      ? value
      : h('td', { class: numeric[i] ? 'n' : null }, value);
  // Focusable, so a keyboard can scroll it on a phone; named by the table's own label.
  return h(
    'div',
    {
      class: 'table-wrap',
      tabindex: 0,
      role: 'region',
      'aria-label': attrs['aria-label'] ?? 'Table (scrolls sideways)',
    },
    h(
      'table',
      attrs,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((c, i) => h('th', { class: numeric[i] ? 'n' : null }, c.replace(/^#/, ''))),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) => h('tr', {}, cells.map(cell))),
      ),
    ),
  );
}

function panel(title, ...content) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...content);
}

/** A table's CSV, named in words ("Download top artists (CSV)"). */
function downloadLink(table, words) {
  return h(
    'a',
    { href: `/api/download/${table}.csv`, download: `${words.replaceAll(' ', '-')}.csv` },
    `Download ${words} (CSV)`,
  );
}

const PERIODS = [
  ['week', 'This week'],
  ['4w', 'Last 4 weeks'],
  ['6m', 'Last 6 months'],
  ['year', 'Last 12 months'],
  ['all', 'All time'],
  ['custom', 'Custom'],
];

/**
 * The change against the previous period of the same length. A percentage only means something
 * when the period before had enough to compare with: at least a fifth of this one. Otherwise
 * it says what the period before held ("new this period" when nothing).
 */
function change(now, before) {
  if (before === null || before === undefined)
    return h('span', { class: 'change muted' }, 'no earlier period');
  if (Number(before) === 0)
    return h(
      'span',
      { class: 'change muted' },
      now > 0 ? 'new this period' : 'nothing either period',
    );
  if (Number(before) * 5 < now)
    return h('span', { class: 'change muted' }, `up from ${fmt(before)} the period before`);
  const pct = Math.round(((now - before) / before) * 100);
  return h(
    'span',
    { class: `change ${pct >= 0 ? 'up' : 'down'}` },
    `${pct >= 0 ? '▲' : '▼'} ${Math.abs(pct)}% vs previous period`,
  );
}

/** Groups days into weeks or months when a period is long, so the chart stays readable. */
/**
 * Days bucketed by their place in a period that starts on `from`: day n, week n or month n,
 * every place filled (0 when nothing was played), labelled by its first day or its month.
 */
function byPlace(days, from, to, grain, metric) {
  const DAY = 86_400_000;
  const start = new Date(`${from}T00:00:00Z`);
  const place = (ymd) => {
    const date = new Date(`${ymd}T00:00:00Z`);
    if (grain === 'month')
      return (
        (date.getUTCFullYear() - start.getUTCFullYear()) * 12 +
        date.getUTCMonth() -
        start.getUTCMonth()
      );
    return Math.floor((date - start) / DAY / (grain === 'week' ? 7 : 1));
  };
  const labelOf = (n) => {
    if (grain === 'month')
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1))
        .toISOString()
        .slice(0, 7);
    return new Date(start.getTime() + n * (grain === 'week' ? 7 : 1) * DAY)
      .toISOString()
      .slice(0, 10);
  };
  const values = Array.from({ length: place(to) + 1 }, () => 0);
  for (const d of days) {
    const n = place(d.day);
    if (n >= 0 && n < values.length) values[n] += Number(d[metric]);
  }
  return values.map((value, n) => ({ label: labelOf(n), value }));
}

function series(days, metric) {
  const grain = days.length > 730 ? 'month' : days.length > 120 ? 'week' : 'day';
  const buckets = new Map();
  for (const d of days) {
    let key = d.day;
    if (grain === 'month') key = d.day.slice(0, 7);
    if (grain === 'week') {
      const date = new Date(`${d.day}T00:00:00Z`);
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      key = date.toISOString().slice(0, 10);
    }
    buckets.set(key, (buckets.get(key) ?? 0) + Number(d[metric]));
  }
  return { grain, items: [...buckets].map(([label, value]) => ({ label, value })) };
}

async function overview(params) {
  const period = params.get('period') ?? '4w';
  const metric = params.get('metric') === 'plays' ? 'plays' : 'minutes';
  const state = { period, metric, from: params.get('from'), to: params.get('to') };
  const custom = h(
    'span',
    { class: 'controls', hidden: period !== 'custom' },
    h('label', {}, 'From', h('input', { type: 'date', id: 'from', value: state.from ?? '' })),
    h('label', {}, 'To', h('input', { type: 'date', id: 'to', value: state.to ?? '' })),
  );
  const select = h(
    'select',
    { id: 'period', 'aria-label': 'Period' },
    PERIODS.map(([value, text]) => h('option', { value, selected: value === period }, text)),
  );
  const apply = () => {
    const chosen = select.value;
    if (chosen === 'custom') {
      custom.hidden = false;
      const from = document.getElementById('from').value;
      const to = document.getElementById('to').value;
      if (!from || !to) return;
      go('overview', { ...state, period: chosen, from, to });
    } else go('overview', { period: chosen, metric });
  };
  select.addEventListener('change', apply);
  const controls = h(
    'div',
    { class: 'controls' },
    h('label', {}, 'Period', select),
    custom,
    h(
      'button',
      { type: 'button', id: 'apply', onclick: apply, hidden: period !== 'custom' },
      'Show',
    ),
    h(
      'span',
      { role: 'group', 'aria-label': 'Measure' },
      ['minutes', 'plays'].map((m) =>
        h(
          'button',
          {
            type: 'button',
            'aria-pressed': String(m === metric),
            'data-metric': m,
            onclick: () => go('overview', { ...state, metric: m }),
          },
          m === 'minutes' ? 'Minutes' : 'Plays',
        ),
      ),
    ),
  );
  select.addEventListener('change', () => {
    custom.hidden = select.value !== 'custom';
    document.getElementById('apply').hidden = select.value !== 'custom';
  });
  show(h('h1', {}, 'Overview'), controls, h('p', { class: 'muted' }, 'Loading…'));
  if (period === 'custom' && (!state.from || !state.to)) {
    show(
      h('h1', {}, 'Overview'),
      controls,
      h('p', { class: 'muted' }, 'Pick the first and last day, then Show.'),
    );
    return;
  }
  // Top lists rank by the measure shown: minutes or plays.
  const data = await api('overview', { period, from: state.from, to: state.to, by: metric });
  const t = data.totals;
  const p = data.previous;
  const kpi = (id, label, value, before, digits = 0) =>
    h(
      'div',
      { class: 'kpi', 'data-testid': `kpi-${id}` },
      h('div', { class: 'label' }, label),
      h('div', { class: 'value', 'data-value': value }, fmt(value, digits)),
      before === undefined ? null : change(Number(value), before === null ? null : Number(before)),
    );
  const figureOf = (row) =>
    metric === 'plays' ? `${fmt(row.plays)} plays` : `${fmt(row.minutes)} min`;
  const topList = (id, rows, name, href) =>
    rows.length
      ? h(
          'ol',
          { class: 'top-list', 'data-testid': id },
          rows.map((r) =>
            h(
              'li',
              { 'data-plays': r.plays, 'data-minutes': r.minutes },
              thumb(r, r.album_name ?? r.track_name ?? r.artist_name),
              href?.(r)
                ? h('a', { class: 'name', href: href(r) }, name(r))
                : h('span', { class: 'name' }, name(r)),
              ' ',
              h('span', { class: 'num' }, figureOf(r)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'Nothing in this period.');
  const { grain, items } = series(data.days, metric);
  const clock = Array.from({ length: 24 }, (_, hour) => ({
    label: String(hour).padStart(2, '0'),
    value: data.hours.filter((x) => x.hour === hour).reduce((n, x) => n + Number(x[metric]), 0),
  }));
  const heatMax = Math.max(1, ...data.hours.map((x) => Number(x[metric])));
  const heat = h(
    'div',
    { class: 'heat', role: 'img', 'aria-label': 'Listening by weekday and hour' },
    h('div', { class: 'head' }, ''),
    Array.from({ length: 24 }, (_, hour) =>
      h('div', { class: 'head' }, hour % 6 === 0 ? String(hour) : ''),
    ),
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].flatMap((day, i) => [
      h('div', { class: 'head' }, day),
      ...Array.from({ length: 24 }, (_, hour) => {
        const cell = data.hours.find((x) => x.weekday === i + 1 && x.hour === hour);
        const v = cell ? Number(cell[metric]) : 0;
        return h('div', {
          title: `${day} ${hour}:00 — ${fmt(v, 1)} ${metric}`,
          style: `background: rgba(21,128,61,${v ? 0.12 + (0.88 * v) / heatMax : 0.04})`,
        });
      }),
    ]),
  );
  const calendarDays = data.days.slice(-371);
  const calMax = Math.max(1, ...calendarDays.map((d) => Number(d[metric])));
  const first = calendarDays[0]
    ? (new Date(`${calendarDays[0].day}T00:00:00Z`).getUTCDay() + 6) % 7
    : 0;
  const calendar = h(
    'div',
    { class: 'calendar', role: 'img', 'aria-label': 'Calendar of listening days' },
    Array.from({ length: first }, () => h('div', { style: 'visibility:hidden' })),
    calendarDays.map((d) =>
      h('div', {
        title: `${onDay(d.day)}: ${fmt(d[metric], 1)} ${metric}`,
        style: `background: ${Number(d[metric]) ? `rgba(21,128,61,${0.2 + (0.8 * Number(d[metric])) / calMax})` : '#e5e7eb'}`,
      }),
    ),
  );
  const longest = data.longest_streak_days_in_period;
  show(
    h('h1', {}, 'Overview'),
    controls,
    h(
      'p',
      {
        class: 'muted',
        'data-testid': 'period',
        'data-from': data.period.from,
        'data-to': data.period.to,
      },
      `${onDay(data.period.from)} – ${onDay(data.period.to)}`,
    ),
    t.plays === 0 && t.minutes === 0
      ? emptyState(
          'Nothing was played in this period. Pick another, or run `wrapped import` / `wrapped run`.',
        )
      : null,
    h(
      'div',
      { class: 'kpis' },
      kpi('minutes', 'Minutes of music', t.minutes, p ? p.minutes : null),
      kpi('plays', 'Plays', t.plays, p ? p.plays : null),
      kpi('artists', 'Artists', t.unique_artists, p ? p.unique_artists : null),
      kpi('tracks', 'Songs', t.unique_tracks, p ? p.unique_tracks : null),
      kpi('podcasts', 'Podcast minutes', t.podcast_minutes, p ? p.podcast_minutes : null),
      data.unidentified_minutes > 0
        ? kpi(
            'unidentified',
            'Unidentified minutes (not music)',
            data.unidentified_minutes,
            undefined,
          )
        : null,
      kpi('streak', 'Current streak (days, up to today)', data.current_streak_days, undefined),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}`),
        barChart(items, {
          caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}`,
          unit: metric,
          across: grain,
        }),
      ),
      data.period.year_before
        ? h(
            'section',
            { class: 'panel wide', 'data-testid': 'year-before' },
            h('h2', {}, 'Against the same days a year earlier'),
            h(
              'p',
              { class: 'muted' },
              `${onDay(data.period.from)} – ${onDay(data.period.to)} against ${onDay(data.period.year_before.from)} – ${onDay(data.period.year_before.to)}, ${metric} per ${grain}.`,
            ),
            comparisonChart(
              byPlace(data.days, data.period.from, data.period.to, grain, metric),
              byPlace(
                data.year_before_days,
                data.period.year_before.from,
                data.period.year_before.to,
                grain,
                metric,
              ),
              {
                caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}, this period and a year earlier`,
                unit: metric,
                across: grain,
                names: { now: 'This period', before: 'A year earlier' },
              },
            ),
          )
        : null,
      panel(
        'Top artists',
        topList(
          'top-artists',
          data.top_artists,
          (r) => r.artist_name,
          (r) => r.artist_name && artistHref(r.artist_name),
        ),
        downloadLink('gold.agg_top_artists', 'top artists'),
      ),
      panel(
        'Top songs',
        topList(
          'top-tracks',
          data.top_tracks,
          (r) => `${r.track_name} — ${r.artist_name ?? '?'}`,
          (r) => r.track_key && trackHref(r.track_key),
        ),
        downloadLink('gold.agg_top_tracks', 'top songs'),
      ),
      panel(
        'Top albums',
        topList(
          'top-albums',
          data.top_albums,
          (r) => `${r.album_name} — ${r.artist_name ?? '?'}`,
          (r) => r.album_key && albumHref(r.album_key),
        ),
        downloadLink('gold.agg_top_albums', 'top albums'),
      ),
      panel(
        'Listening clock (hour of day)',
        barChart(clock, {
          caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} by hour of the day`,
          unit: metric,
          across: 'hour of the day',
          height: 160,
        }),
      ),
      h('section', { class: 'panel wide' }, h('h2', {}, 'Weekday × hour'), heat),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Calendar'),
        calendar,
        h(
          'p',
          { class: 'muted' },
          `Longest run of listening days inside this period: ${fmt(longest)} days. Current streak, up to today: ${fmt(data.current_streak_days)} days.`,
        ),
        downloadLink('gold.agg_daily_listening', 'listening per day'),
      ),
      panel(
        'Discovery: new artists per month',
        data.discovery.length
          ? barChart(
              data.discovery.map((d) => ({ label: d.month, value: Number(d.new_artists) })),
              { caption: 'New artists per month', unit: 'new artists', across: 'month' },
            )
          : h('p', { class: 'muted' }, 'No first listens in this period.'),
      ),
    ),
  );
}

async function wrapped(params) {
  const data = await api('wrapped', { year: params.get('year') });
  const y = data.year;
  const year = String(y.year);
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
        { type: 'button', onclick: () => savePng(el, `wrapped-${year}-${id}.png`, `your ${year}`) },
        'Save as PNG',
      ),
    );
    return el;
  };
  const numbered = (rows, name, first = 1) =>
    rows.map((r, i) => `${i + first}. ${name(r)} (${fmt(r.plays)})`);
  // The story (one figure a slide) over the grid of all figures; its slide is in the address.
  const address = (slide) => `#/wrapped?year=${year}${slide ? `&slide=${slide}` : ''}`;
  const play = (startId) =>
    openStory(data, {
      startId,
      onMove: (slide) => window.history.replaceState(null, '', address(slide)),
      onClose: () => window.history.replaceState(null, '', address()),
    });
  show(
    h('h1', {}, `Your ${year} Wrapped`),
    h(
      'button',
      { type: 'button', class: 'play-story', 'data-testid': 'play-story', onclick: () => play() },
      '▶ Play your story',
    ),
    h('p', { class: 'muted' }, 'Or read all the figures at once, below.'),
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
          data.years.map((value) => h('option', { value, selected: value === year }, value)),
        ),
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
        y.top_artist ?? '—',
        ...numbered(data.top_artists.slice(1), (r) => r.artist_name, 2),
      ),
      card(
        'top-songs',
        'Top songs',
        data.top_tracks[0]?.track_name ?? '—',
        ...numbered(data.top_tracks, (r) => `${r.track_name} — ${r.artist_name ?? '?'}`),
      ),
      card(
        'top-albums',
        'Top albums',
        data.top_albums[0]?.album_name ?? '—',
        ...numbered(data.top_albums, (r) => r.album_name),
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
        'first heard this year',
      ),
      card('podcasts', 'Podcasts', `${fmt(y.podcast_minutes)} min`, 'of episodes'),
    ),
    spotifySide(data.spotify_wrapped, year),
  );
  if (params.get('slide')) play(params.get('slide'));
}

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

async function history(params) {
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1);
  const data = await api('history', { q, page });
  const pages = Math.max(1, Math.ceil(data.total / data.size));
  const form = h(
    'form',
    {
      class: 'controls',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        go('history', { q: e.target.elements.q.value, page: 1 });
      },
    },
    h(
      'label',
      {},
      'Search songs, artists, albums, shows',
      h('input', { type: 'search', name: 'q', value: q, id: 'q' }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  show(
    h('h1', {}, 'History'),
    form,
    h(
      'p',
      { class: 'muted', 'data-testid': 'history-total' },
      `${fmt(data.total)} streams${q ? ` matching “${q}”` : ''}. Minutes marked “est.” come from the API alone (estimated); the rest are Spotify's own.`,
    ),
    data.rows.length
      ? dataTable(
          ['When', 'Title', 'Artist / show', 'Album', '#Minutes', 'Source'],
          data.rows.map((r) => [
            wallTime(r.ended_at_local),
            r.title ?? '(unknown)',
            r.artist ?? '',
            r.album_name ?? '',
            [
              fmt(Number(r.ms_played) / 60000, 2),
              r.ms_played_estimated ? h('span', { class: 'badge' }, ' est.') : null,
            ],
            sourceWords(r.source),
          ]),
          { 'data-testid': 'history-rows' },
        )
      : emptyState(q ? 'Nothing matches this search.' : EMPTY),
    h(
      'div',
      { class: 'pager' },
      h(
        'button',
        {
          type: 'button',
          disabled: page <= 1,
          onclick: () => go('history', { q, page: page - 1 }),
        },
        'Previous',
      ),
      h('span', { 'data-testid': 'page' }, `Page ${page} of ${pages}`),
      h(
        'button',
        {
          type: 'button',
          disabled: page >= pages,
          onclick: () => go('history', { q, page: page + 1 }),
        },
        'Next',
      ),
    ),
  );
}

async function library() {
  const data = await api('library');
  const artists = [...new Set(data.top_artist_ranks.map((r) => r.artist_name))];
  show(
    h('h1', {}, 'Library'),
    h(
      'div',
      { class: 'grid' },
      panel(
        'Playlists',
        data.playlists?.length
          ? dataTable(
              ['Playlist', 'Owner', '#Items', ''],
              data.playlists.map((p) => [
                p.name,
                p.owner_name ?? '',
                fmt(p.items_total),
                h(
                  'td',
                  { class: 'muted' },
                  p.items_read
                    ? p.collaborative
                      ? 'collaborative'
                      : ''
                    : 'items not readable (not yours)',
                ),
              ]),
              { 'data-testid': 'playlists' },
            )
          : h('p', { class: 'muted' }, data.not_built ?? 'No playlists yet.'),
      ),
      panel(
        'Liked Songs over time',
        data.liked_songs?.length
          ? [
              barChart(
                data.liked_songs.map((m) => ({ label: m.month, value: Number(m.total) })),
                { caption: 'Liked Songs at the end of each month', unit: 'songs', across: 'month' },
              ),
              h(
                'p',
                { class: 'muted' },
                `${fmt(data.liked_songs.at(-1).total)} liked songs; added per month: ${data.liked_songs
                  .slice(-3)
                  .map((m) => `${labelWords(m.month)} ${fmt(m.added)}`)
                  .join(', ')}.`,
              ),
              downloadLink('silver.fct_saved_track', 'liked songs'),
            ]
          : h('p', { class: 'muted' }, data.not_built ?? 'No liked songs seen yet.'),
      ),
    ),
    panel(
      'How your top artists moved (rank per month)',
      artists.length
        ? dataTable(
            ['Artist', ...data.months.map((m) => `#${m}`)],
            artists.map((a) => [
              a,
              ...data.months.map((m) => {
                const r = data.top_artist_ranks.find((x) => x.artist_name === a && x.period === m);
                return r ? `#${r.rank}` : '—';
              }),
            ]),
          )
        : emptyState(),
    ),
  );
}

async function health() {
  const s = await api('health');
  const colour = (d) =>
    d.has_gap
      ? '#b91c1c'
      : d.has_export_extended
        ? '#14532d'
        : d.has_export_account
          ? '#15803d'
          : d.has_api
            ? '#86efac'
            : '#e5e7eb';
  const first = s.coverage[0]
    ? (new Date(`${s.coverage[0].day}T00:00:00Z`).getUTCDay() + 6) % 7
    : 0;
  show(
    h('h1', {}, 'Health'),
    h(
      'div',
      { class: 'kpis' },
      h(
        'div',
        { class: 'kpi', 'data-testid': 'login' },
        h('div', { class: 'label' }, 'Spotify login'),
        h('div', { class: 'value' }, s.login ? `${s.login.days_left} days left` : 'none'),
        h(
          'div',
          { class: 'muted' },
          s.login ? 'log in again before it ends: wrapped auth login' : 'run wrapped auth login',
        ),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Newest play landed'),
        h('div', {}, when(s.newest_play_landed, s.timezone) ?? 'none yet'),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Last good run'),
        h('div', {}, when(s.last_successful_run, s.timezone) ?? 'none yet'),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Scheduler'),
        h(
          'div',
          {},
          s.scheduler
            ? s.scheduler.alive
              ? `running, pid ${s.scheduler.pid} on ${s.scheduler.host}`
              : 'stopped (a stale lock)'
            : 'not running',
        ),
      ),
      h(
        'div',
        { class: 'kpi', 'data-testid': 'checks' },
        h('div', { class: 'label' }, 'Data checks (last run)'),
        h(
          'div',
          {},
          s.checks ? `${s.checks.passed} passed, ${s.checks.failed} failed` : 'not run yet',
        ),
      ),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Coverage, last 12 months'),
        s.coverage.length
          ? h(
              'div',
              { class: 'calendar', role: 'img', 'aria-label': 'Which source covers each day' },
              Array.from({ length: first }, () => h('div', { style: 'visibility:hidden' })),
              s.coverage.map((d) =>
                h('div', {
                  title: `${onDay(d.day)}: ${[d.has_export_extended && 'extended export', d.has_export_account && 'account data', d.has_api && 'API', d.has_gap && 'GAP'].filter(Boolean).join(', ')}`,
                  style: `background:${colour(d)}`,
                }),
              ),
            )
          : emptyState(),
        h(
          'div',
          { class: 'legend' },
          [
            ['#14532d', 'extended export'],
            ['#15803d', 'account data'],
            ['#86efac', 'API only'],
            ['#b91c1c', 'gap recorded'],
            ['#e5e7eb', 'no listening'],
          ].map(([c, text]) => h('span', { style: `--c:${c}` }, text)),
        ),
      ),
      panel(
        'Open incidents',
        s.incidents.length
          ? h(
              'ul',
              {},
              s.incidents.map((i) =>
                h(
                  'li',
                  {},
                  `${i.kind.replaceAll('_', ' ')} since ${when(i.opened_at, s.timezone)}: ${i.summary}`,
                ),
              ),
            )
          : h('p', {}, 'None: everything works.'),
      ),
      panel(
        'Gaps recorded',
        s.gaps.length
          ? h(
              'ul',
              {},
              s.gaps.map((g) =>
                h('li', {}, `${when(g.from, s.timezone)} → ${when(g.to, s.timezone)}: ${g.reason}`),
              ),
            )
          : h('p', {}, 'None.'),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Recent runs'),
        s.runs.length
          ? dataTable(
              ['When', 'Status', '#Seconds', 'Error'],
              s.runs.map((r) => [
                when(r.at, s.timezone),
                r.status.replaceAll('_', ' '),
                fmt(r.seconds, 1),
                r.error ?? '',
              ]),
              { 'data-testid': 'runs' },
            )
          : h(
              'p',
              { class: 'muted' },
              'No run yet: `wrapped run`, or `wrapped schedule` for every hour.',
            ),
      ),
    ),
  );
}

/** "← Back" to where the listener came from, when they came from this dashboard. */
function backLink() {
  return h(
    'p',
    {},
    h(
      'a',
      {
        href: '#/overview',
        onclick: (event) => {
          // (`window.history`: `history` is the History page's function here.)
          if (window.history.length > 1) {
            event.preventDefault();
            window.history.back();
          }
        },
      },
      '← Back',
    ),
  );
}

function tile(label, value, attrs = {}) {
  return h('div', { class: 'kpi', ...attrs }, h('div', { class: 'label' }, label), value);
}

/**
 * The page of one artist or song: its figures, minutes by month, the hours of the day, its rank
 * in the monthly top lists, and what else the kind shows (`more`).
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
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Minutes by month'),
        barChart(
          data.months.map((m) => ({ label: m.month, value: Number(m.minutes) })),
          { caption: 'Minutes by month', unit: 'minutes', across: 'month' },
        ),
      ),
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

/** One artist: `#/artist/NAME`. */
async function artist(params) {
  const data = await api('artist', { name: params.get('id') ?? '' });
  detailPage({
    kind: 'artist',
    name: data.artist_name,
    subtitle: null,
    data,
    rankOf: 'top artists',
    more: [panel('Top songs', songList('artist-tracks', data.top_tracks))],
  });
}

/** One song: `#/track/KEY`, with its artist (a link) and album. */
async function track(params) {
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
    more: [],
  });
}

/** A list of songs with their plays, each a link to its page. */
function songList(id, tracks) {
  return h(
    'ol',
    { class: 'top-list', 'data-testid': id },
    tracks.map((t) =>
      h(
        'li',
        {},
        t.track_key
          ? h('a', { class: 'name', href: trackHref(t.track_key) }, t.track_name ?? '?')
          : h('span', { class: 'name' }, t.track_name ?? '?'),
        ' ',
        h('span', { class: 'num' }, `${fmt(t.plays)} plays`),
      ),
    ),
  );
}

/** One album: `#/album/KEY`, with the artist you played most on it and its songs you played. */
async function album(params) {
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
    more: [panel('Its songs you played', songList('album-tracks', data.tracks))],
  });
}

/** `#/search?q=`: your artists, songs and albums whose name holds the text. */
async function searchPage(params) {
  const q = params.get('q') ?? '';
  const input = document.getElementById('search');
  if (input && input.value !== q) input.value = q;
  if (q.trim() === '') {
    show(h('h1', {}, 'Search'), h('p', { class: 'muted' }, 'Type a name in the search box above.'));
    return;
  }
  const data = await api('search', { q });
  const group = (title, id, rows, name, href, by) =>
    panel(
      title,
      rows.length
        ? h(
            'ol',
            { class: 'top-list', 'data-testid': id },
            rows.map((r) =>
              h(
                'li',
                {},
                href(r) ? h('a', { class: 'name', href: href(r) }, name(r)) : name(r),
                by?.(r) ? ` · ${by(r)}` : '',
                ' ',
                h('span', { class: 'num' }, `${fmt(r.plays)} plays`),
              ),
            ),
          )
        : h('p', { class: 'muted' }, `No ${title.toLowerCase()} with “${data.q}” in the name.`),
    );
  show(
    h('h1', {}, `Search: “${data.q}”`),
    h(
      'div',
      { class: 'grid' },
      group(
        'Artists',
        'search-artists',
        data.artists,
        (r) => r.artist_name,
        (r) => r.artist_name && artistHref(r.artist_name),
      ),
      group(
        'Songs',
        'search-tracks',
        data.tracks,
        (r) => r.track_name,
        (r) => r.track_key && trackHref(r.track_key),
        (r) => r.artist_name,
      ),
      group(
        'Albums',
        'search-albums',
        data.albums,
        (r) => r.album_name,
        (r) => r.album_key && albumHref(r.album_key),
        (r) => r.artist_name,
      ),
    ),
  );
}

const PAGES = {
  overview,
  wrapped,
  history,
  library,
  health,
  artist,
  track,
  album,
  search: searchPage,
};

let renders = 0;

async function render() {
  const { page, params } = route();
  main.dataset.ready = '';
  const view = PAGES[page] ?? overview;
  for (const link of document.querySelectorAll('nav a'))
    link.setAttribute('aria-current', link.dataset.page === page ? 'page' : 'false');
  document.title = `wrapped-me · ${page[0].toUpperCase()}${page.slice(1)}`;
  try {
    await view(params);
  } catch (error) {
    show(h('h1', {}, page[0].toUpperCase() + page.slice(1)), failure(error));
  }
  // Tests (and the curious) wait for this: the page finished rendering.
  main.dataset.ready = `${page}:${++renders}`;
}

api('meta')
  .then((meta) => {
    document.getElementById('tz').textContent = `Time zone: ${meta.timezone}`;
  })
  .catch(() => undefined);
// The search box in the header, on every page: its text goes to `#/search?q=`.
document.getElementById('search-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = document.getElementById('search').value.trim();
  if (q) go('search', { q });
});
window.addEventListener('hashchange', () => void render());
void render();
