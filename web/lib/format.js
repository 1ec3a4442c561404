// Figures and dates in a listener's words: the browser's locale, the dashboard's time zone.

export const fmt = (n, digits = 0) =>
  Number(n ?? 0).toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * Dates in the listener's words: the browser's locale, the dashboard's time zone
 * (WRAPPED_TIMEZONE). No ISO text reaches the page.
 */
export function when(iso, timeZone) {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date);
}

/** A calendar day (YYYY-MM-DD). */
export function onDay(ymd) {
  if (!ymd) return '';
  const date = new Date(`${String(ymd).slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(ymd);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A wall-clock time already in the dashboard's zone ("YYYY-MM-DD HH:MM:SS"). */
export function wallTime(text) {
  const date = new Date(`${String(text).replace(' ', 'T').slice(0, 19)}Z`);
  if (Number.isNaN(date.getTime())) return String(text ?? '');
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
}

/** Years as runs: ['2019', '2020', '2021', '2023'] as "2019–2021 and 2023". */
export function yearsInWords(years) {
  const runs = [];
  for (const year of years.map(Number).sort((a, b) => a - b)) {
    const run = runs.at(-1);
    if (run && year === run[1] + 1) run[1] = year;
    else runs.push([year, year]);
  }
  const words = runs.map(([from, to]) => (from === to ? String(from) : `${from}–${to}`));
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words.join('');
}

const SOURCE_WORDS = {
  api: 'Spotify API',
  export_extended: 'extended history',
  export_account: 'account data',
  lastfm: 'Last.fm',
  listenbrainz: 'ListenBrainz',
};

/** `api+export_extended` as "Spotify API + extended history". */
export function sourceWords(source) {
  return String(source ?? '')
    .split('+')
    .map((part) => SOURCE_WORDS[part] ?? part)
    .join(' + ');
}
