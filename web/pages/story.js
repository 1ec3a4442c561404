// The Wrapped story: a year told one figure at a time, on full-screen slides, as Spotify's own
// Wrapped is. Keyboard (arrows, space, Home, End, Escape), click (the left third goes back,
// the rest forward), swipe, and buttons for each; every slide saves as a PNG card. The slide
// shown is in the address (`#/wrapped?year=2026&slide=minutes`), so each one can be shared.

import { figuresTable } from '../lib/charts.js';
import { h, thumb } from '../lib/dom.js';
import { fmt, onDay } from '../lib/format.js';
import { savePng } from '../lib/png-card.js';

/**
 * The slides of a year, from the API's `/api/wrapped` answer. Each has an id (its address),
 * a title, the one big figure, a few lines, and maybe a picture or a chart. Slides with nothing
 * to say (no album names, no Spotify Wrapped file) are left out.
 */
export function storySlides(data, name = String(data.year.year)) {
  const y = data.year;
  const slides = [];
  const add = (id, title, big, lines = [], extra = null) =>
    slides.push({ id, title, big, lines: lines.filter((l) => l !== null), extra });

  add('intro', `Your ${name}, wrapped`, name, [
    `${fmt(y.plays)} plays, from ${onDay(y.first_play_at)} to ${onDay(y.last_play_at)}`,
    'Press → or tap to begin',
  ]);
  add('minutes', 'You listened for', `${fmt(y.minutes)} minutes`, [
    `That is ${fmt(y.minutes / 1440, 1)} days of music`,
    y.has_estimated_minutes
      ? 'Some minutes are estimated from the Spotify API'
      : 'Minutes as Spotify counted them',
  ]);
  const artist = data.top_artists[0];
  if (artist)
    add(
      'top-artist',
      'Your top artist',
      artist.artist_name,
      [`${fmt(artist.plays)} plays, ${fmt(artist.minutes)} minutes`],
      thumb(artist, artist.artist_name),
    );
  if (data.top_tracks.length)
    add(
      'top-songs',
      `Your top ${data.top_tracks.length === 1 ? 'song' : `${data.top_tracks.length} songs`}`,
      data.top_tracks[0].track_name,
      data.top_tracks.map(
        (t, i) => `${i + 1}. ${t.track_name} · ${t.artist_name ?? '?'} (${fmt(t.plays)} plays)`,
      ),
    );
  const album = data.top_albums[0];
  if (album)
    add(
      'top-album',
      'Your top album',
      album.album_name,
      [`by ${album.artist_name ?? 'various artists'}`, `${fmt(album.plays)} plays`],
      thumb(album, album.album_name),
    );
  if (y.peak_hour !== null && y.peak_hour !== undefined)
    add(
      'clock',
      'Your listening clock',
      `${hourName(y.peak_hour)}`,
      [`You listened most in the hour from ${hourName(y.peak_hour)}`],
      clockChart(data.clock ?? [], Number(y.peak_hour)),
    );
  add('discovery', 'You discovered', `${fmt(y.new_artists)} new artists`, [
    `Artists you first heard in ${name}, out of ${fmt(y.unique_artists)} you played`,
  ]);
  add('streak', 'Your longest streak', `${fmt(y.longest_streak_days)} days`, [
    'In a row, with music every day',
  ]);
  const beside = data.spotify_wrapped;
  if (beside) {
    const first = beside.differences[0];
    add(
      'spotify',
      `Spotify's own Wrapped ${name}`,
      first ? `${fmt(first.spotify)} ${first.label.toLowerCase()}` : 'The same figures',
      first
        ? [
            `Here: ${first.ours === null ? 'not counted' : fmt(first.ours)}`,
            first.reason,
            'Spotify counts from 1 January to about mid-November',
          ]
        : ['Every figure both sides have is the same'],
    );
  }
  add('outro', `That was ${name}`, `${fmt(y.minutes)} minutes`, [
    artist ? `Top artist: ${artist.artist_name}` : null,
    data.top_tracks[0] ? `Top song: ${data.top_tracks[0].track_name}` : null,
    `Longest streak: ${fmt(y.longest_streak_days)} days`,
  ]);
  return slides;
}

/** "21:00": an hour of the day on the 24-hour clock. */
const hourName = (hour) => `${String(hour).padStart(2, '0')}:00`;

/**
 * Minutes by hour of the day as 24 bars, the peak hour marked, with an axis (00, 06, 12, 18)
 * and a text alternative: the figures in a table, behind a toggle.
 */
function clockChart(clock, peak) {
  const max = Math.max(1, ...clock.map((c) => c.minutes));
  const width = 240;
  const height = 100;
  const step = width / 24;
  const svg = h(
    'svg',
    {
      class: 'clock-chart',
      viewBox: `0 0 ${width} ${height + 14}`,
      role: 'img',
      'aria-label': `Minutes listened in each hour of the day; the most at ${hourName(peak)}`,
    },
    clock.map((c) =>
      h(
        'rect',
        {
          x: (c.hour * step + 1).toFixed(1),
          y: (height - (c.minutes / max) * height).toFixed(1),
          width: (step - 2).toFixed(1),
          height: Math.max(0.5, (c.minutes / max) * height).toFixed(1),
          class: c.hour === peak ? 'peak' : '',
        },
        h('title', {}, `${hourName(c.hour)}: ${fmt(c.minutes)} min`),
      ),
    ),
    [0, 6, 12, 18].map((hour) =>
      h('text', { x: (hour * step + 1).toFixed(1), y: height + 12, class: 'axis' }, hourName(hour)),
    ),
  );
  const table = figuresTable(
    'Minutes by hour of the day',
    ['Hour', 'Minutes'],
    clock.map((c) => [hourName(c.hour), fmt(c.minutes)]),
  );
  return h('div', { class: 'clock' }, svg, table);
}

/**
 * Shows the story over the page, from the slide `startId` (or the first). `onMove(id)` is told
 * each slide shown (to keep the address), `onClose()` when the listener leaves it.
 */
export function openStory(data, { name, tag, startId, onMove, onClose }) {
  const slides = storySlides(data, name);
  let index = Math.max(
    0,
    slides.findIndex((s) => s.id === startId),
  );
  const before = document.activeElement;

  const progress = h(
    'ol',
    { class: 'story-progress', 'aria-hidden': 'true' },
    slides.map(() => h('li', {})),
  );
  const stage = h('div', { class: 'story-stage' });
  const counter = h('p', { class: 'story-count', 'aria-live': 'polite' });
  const button = (label, cls, action, text) =>
    h('button', { type: 'button', class: cls, 'aria-label': label, onclick: action }, text);
  const prev = button('Previous slide', 'story-prev', () => move(-1), '‹');
  const next = button('Next slide', 'story-next', () => move(1), '›');
  const save = h(
    'button',
    {
      type: 'button',
      class: 'story-save',
      onclick: () => {
        const slide = stage.querySelector('.slide');
        savePng(slide, `wrapped-${tag}-${slides[index].id}.png`, `your ${name}`);
      },
    },
    'Save as PNG',
  );
  const close = button('Close the story', 'story-close', () => leave(), '×');
  const dialog = h(
    'div',
    {
      class: 'story',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': `Your ${name} Wrapped, one slide at a time`,
      tabindex: '-1',
      'data-testid': 'story',
    },
    progress,
    close,
    stage,
    h('div', { class: 'story-controls' }, prev, counter, save, next),
  );

  function draw() {
    const slide = slides[index];
    const card = h(
      'section',
      { class: `slide slide-${slide.id}`, 'data-slide': slide.id },
      h('h2', {}, slide.title),
      slide.extra && slide.id !== 'clock' ? slide.extra : null,
      h('div', { class: 'big', 'data-line': '' }, slide.big),
      slide.lines.map((line) => h('p', { 'data-line': '' }, line)),
      slide.id === 'clock' ? slide.extra : null,
    );
    stage.replaceChildren(card);
    [...progress.children].forEach((li, i) => {
      li.className = i < index ? 'done' : i === index ? 'current' : '';
    });
    counter.textContent = `Slide ${index + 1} of ${slides.length}: ${slide.title}`;
    prev.disabled = index === 0;
    next.disabled = index === slides.length - 1;
    dialog.setAttribute('data-slide', slide.id);
    onMove?.(slide.id);
  }

  function move(by) {
    const to = Math.min(slides.length - 1, Math.max(0, index + by));
    if (to === index) return;
    index = to;
    draw();
  }

  function leave() {
    document.removeEventListener('keydown', onKey);
    dialog.remove();
    document.body.classList.remove('story-open');
    if (before instanceof HTMLElement) before.focus();
    onClose?.();
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      ArrowRight: () => move(1),
      PageDown: () => move(1),
      ' ': () => move(1),
      ArrowLeft: () => move(-1),
      PageUp: () => move(-1),
      Home: () => move(-index),
      End: () => move(slides.length),
      Escape: () => leave(),
    };
    // Space on a button presses the button; the story moves only when nothing else would.
    if (event.key === ' ' && event.target instanceof HTMLButtonElement) return;
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  // A tap on the slide itself: the left third goes back, the rest forward (as in Spotify). A
  // swipe, a mostly sideways drag of 40 px or more, moves instead, and its click is ignored.
  let start = null;
  let dragged = false;
  stage.addEventListener('pointerdown', (event) => {
    start = { x: event.clientX, y: event.clientY };
    dragged = false;
  });
  stage.addEventListener('pointerup', (event) => {
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    dragged = Math.abs(dx) >= 10 || Math.abs(dy) >= 10;
    if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy)) move(dx < 0 ? 1 : -1);
  });
  stage.addEventListener('click', (event) => {
    if (dragged || event.target.closest('button, a, details')) return;
    const box = stage.getBoundingClientRect();
    move(event.clientX < box.left + box.width / 3 ? -1 : 1);
  });

  document.addEventListener('keydown', onKey);
  document.body.classList.add('story-open');
  document.body.append(dialog);
  draw();
  dialog.focus();
  return { slides, move, leave };
}
