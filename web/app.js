// wrapped-me dashboard: plain ES modules, no framework, no build step. Every value from the API
// is put in the page as text (textContent), never as HTML. This file routes the address to a
// page; pages/ holds one module per page (overview, wrapped and its story, history, library,
// health, household, detail for artists, songs and albums, search), lib/ what they share (the API client,
// the router, the page frame, charts, formatting, PNG cards). Each view's state lives in the
// hash, so every view has a shareable address.

import { api } from './lib/api.js';
import { h } from './lib/dom.js';
import { go, route } from './lib/router.js';
import { failure, main, show } from './lib/ui.js';
import { album, artist, track } from './pages/detail.js';
import { health } from './pages/health.js';
import { history } from './pages/history.js';
import { household } from './pages/household.js';
import { library } from './pages/library.js';
import { overview } from './pages/overview.js';
import { searchPage } from './pages/search.js';
import { wrapped } from './pages/wrapped.js';

const PAGES = {
  overview,
  wrapped,
  history,
  library,
  health,
  household,
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
    // In a household, whose dashboard this is.
    if (meta.listeners.length > 1) {
      const who = document.getElementById('listener');
      who.textContent = `Listener: ${meta.listener}`;
      who.hidden = false;
    }
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
