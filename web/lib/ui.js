// The page's frame: what every page shows (panels, tables, empty states, errors, links back).

import { ApiError } from './api.js';
import { h } from './dom.js';
import { yearsInWords } from './format.js';

export const main = document.getElementById('main');

export const EMPTY =
  'No data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`.';

export function show(...nodes) {
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

export function emptyState(message = EMPTY) {
  return h('div', { class: 'empty', 'data-testid': 'empty' }, h('p', {}, message));
}

/**
 * What an extended streaming history would add (the API's `missing_years`): the years the
 * listener was on Spotify with no plays here, and how to get them. Nothing when none are missing.
 */
export function exportWouldAdd(years) {
  if (!years?.length) return null;
  return h(
    'p',
    { class: 'note', 'data-testid': 'missing-years', 'data-years': years.join(' ') },
    `Import your extended streaming history to see ${yearsInWords(years)}: Spotify shows you listening then (songs you saved, or its own Wrapped of a year), but none of those plays are here. Ask Spotify for it on your account's privacy page, then run wrapped import on the zip it sends.`,
  );
}

export function failure(error) {
  if (error instanceof ApiError && error.status === 409) return emptyState();
  return h('p', { class: 'error', role: 'alert' }, `Could not load this page: ${error.message}`);
}

export function dataTable(headers, rows, attrs = {}) {
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

/**
 * A numbered list of named things (artists, songs, albums), each a link to its page when it has
 * one: `name(r)`, `href(r)`, a byline `by(r)`, the figure after it `figure(r)`, a picture
 * `picture(r)`, and attributes for each item `attrs(r)` (data for tests and scripts).
 */
export function itemList(id, rows, { name, href, by, figure, picture, attrs }) {
  return h(
    'ol',
    { class: 'top-list', 'data-testid': id },
    rows.map((r) =>
      h(
        'li',
        attrs?.(r) ?? {},
        picture?.(r),
        href?.(r)
          ? h('a', { class: 'name', href: href(r) }, name(r))
          : h('span', { class: 'name' }, name(r)),
        by?.(r) ? ` · ${by(r)}` : '',
        ' ',
        h('span', { class: 'num' }, figure(r)),
      ),
    ),
  );
}

export function panel(title, ...content) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...content);
}

/** A table's CSV, named in words ("Download top artists (CSV)"). */
export function downloadLink(table, words) {
  return h(
    'a',
    { href: `/api/download/${table}.csv`, download: `${words.replaceAll(' ', '-')}.csv` },
    `Download ${words} (CSV)`,
  );
}

/** "← Back" to where the listener came from, when they came from this dashboard. */
export function backLink() {
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

export function tile(label, value, attrs = {}) {
  return h('div', { class: 'kpi', ...attrs }, h('div', { class: 'label' }, label), value);
}
