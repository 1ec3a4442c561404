// #/history: every stream, newest first, searchable.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { fmt, sourceWords, wallTime } from '../lib/format.js';
import { albumHref, artistHref, go, trackHref } from '../lib/router.js';
import { dataTable, EMPTY, emptyState, show } from '../lib/ui.js';

export async function history(params) {
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
          data.rows.map((r) => {
            // A song's title, artist and album lead to their pages; episodes have none.
            const song = r.content_type === 'track';
            const link = (href, text) => (song && href ? h('a', { href }, text) : text);
            return [
              wallTime(r.ended_at_local),
              link(r.track_key && trackHref(r.track_key), r.title ?? '(unknown)'),
              link(r.artist && artistHref(r.artist), r.artist ?? ''),
              link(r.album_key && albumHref(r.album_key), r.album_name ?? ''),
              [
                fmt(Number(r.ms_played) / 60000, 2),
                r.ms_played_estimated ? h('span', { class: 'badge' }, ' est.') : null,
              ],
              sourceWords(r.source),
            ];
          }),
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
