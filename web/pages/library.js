// #/library: playlists, Liked Songs over time, top artists month by month.

import { api } from '../lib/api.js';
import { barChart, labelWords } from '../lib/charts.js';
import { h } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { artistHref } from '../lib/router.js';
import { dataTable, downloadLink, emptyState, panel, show } from '../lib/ui.js';

export async function library() {
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
            ['Artist', ...data.months.map((m) => `#${labelWords(m)}`)],
            artists.map((a) => [
              h('a', { href: artistHref(a) }, a),
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
