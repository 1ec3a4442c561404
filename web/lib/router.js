// Where things are: the page and its parameters live in the address (#/page/id?query).

export function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  // `#/artist/<name>`: a page of one artist (the name, URI-encoded, is its id here).
  const [page, id] = path.split('/', 2);
  if (id !== undefined) params.set('id', decodeURIComponent(id));
  return { page: page || 'overview', params };
}

/** Where an artist's and a song's pages are. */
export const artistHref = (name) => `#/artist/${encodeURIComponent(name)}`;

export const trackHref = (key) => `#/track/${encodeURIComponent(key)}`;

export const albumHref = (key) => `#/album/${encodeURIComponent(key)}`;

export function go(page, params) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  location.hash = `#/${page}${query ? `?${query}` : ''}`;
}
