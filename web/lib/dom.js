// Building the page: elements from data (always as text, never as HTML) and pictures.

/** Builds an element: h('p', { class: 'x' }, 'text', child). Strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'rect', 'text', 'g', 'title'].includes(tag);
  const el = svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    // Through the CSSOM: the page's Content-Security-Policy forbids inline style attributes.
    else if (key === 'style') el.style.cssText = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * A top-list row's picture (artist photo or album cover from Spotify's image CDN): the server
 * passes one on only after a login to Spotify, as loading it is a request to a third party.
 * Otherwise, and when the picture cannot load (offline), a placeholder: the name's initials on
 * a colour derived from the name. Decorative either way: the name beside it says what it is.
 */
export function thumb(row, name) {
  if (typeof row.image_url !== 'string' || !row.image_url.startsWith('https://'))
    return placeholder(name);
  return h('img', {
    class: 'thumb',
    src: row.image_url,
    alt: '',
    width: 32,
    height: 32,
    loading: 'lazy',
    referrerpolicy: 'no-referrer',
    onerror: (event) => event.target.replaceWith(placeholder(name)),
  });
}

/** Up to two initials, from the first two words that hold a letter or digit. */
function initials(name) {
  const words = String(name ?? '')
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0]);
  const letters = words.filter(Boolean).slice(0, 2);
  return letters.length ? letters.join('').toLocaleUpperCase() : '♪';
}

/** One of twelve hues, always the same for the same name (CSS classes: the page allows no inline style). */
function hueOf(name) {
  let hash = 0;
  for (const char of String(name ?? '')) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 12;
}

export function placeholder(name) {
  return h(
    'span',
    { class: `thumb placeholder hue-${hueOf(name)}`, 'aria-hidden': 'true' },
    initials(name),
  );
}
