// #/search?q=: your artists, songs and albums whose name holds the text.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { albumHref, artistHref, trackHref } from '../lib/router.js';
import { itemList, panel, show } from '../lib/ui.js';

/** `#/search?q=`: your artists, songs and albums whose name holds the text. */
export async function searchPage(params) {
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
        ? itemList(id, rows, { name, href, by, figure: (r) => `${fmt(r.plays)} plays` })
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
