// Charts drawn by Observable Plot (served from the package at /vendor/ and loaded when the first
// chart is drawn, window.Plot): each has
// axes, the unit on its value axis, a tip with the exact figure under the pointer, a legend
// where there are several series, and a text alternative, the figures as a table behind a
// toggle. Plot adds a <style> element to each chart, which the page's Content-Security-Policy
// would refuse: it is removed before the chart reaches the page, and style.css carries its rules.

import { h } from './dom.js';
import { fmt } from './format.js';

/** The two colours of a comparison, dark enough on white for a line (3:1, WCAG 1.4.11). */
const COLOURS = { now: '#15803d', before: '#6b7280' };

/** Days shown as "Nov 24" (MM-DD text stays as it was: months, hours). */
function shortLabel(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const date = new Date(`${text}T00:00:00Z`);
  return new Intl.DateTimeFormat(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** A month "2026-11" as "Nov 2026". */
function monthLabel(text) {
  if (!/^\d{4}-\d{2}$/.test(text)) return shortLabel(text);
  const date = new Date(`${text}-01T00:00:00Z`);
  return new Intl.DateTimeFormat(undefined, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** A label in words: days, months, or as it is. */
export const labelWords = (text) => monthLabel(String(text));

/** As many tick labels along a band axis as fit side by side at this width (about 80 px each). */
function someTicks(labels, width) {
  const fit = Math.max(2, Math.floor(width / 80));
  const step = Math.max(1, Math.ceil(labels.length / fit));
  return labels.filter((_, i) => i % step === 0);
}

/** The figures behind a chart, as a table: its text alternative. */
export function figuresTable(caption, headers, rows) {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Show the figures'),
    h(
      'div',
      { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
      h(
        'table',
        {},
        h('caption', {}, caption),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            headers.map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((cells) =>
            h(
              'tr',
              {},
              cells.map((c) => h('td', {}, c)),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Draws with Plot at the width the figure has on the page, once it is laid out (before it is
 * painted) and again when that width changes, without Plot's <style> element.
 */
function plotted(figure, draw, describe) {
  const render = (width) => {
    const svg = draw(Math.max(260, Math.round(width)));
    for (const style of svg.querySelectorAll('style')) style.remove();
    // Plot names its groups (aria-label on <g>, which has no role to carry one); the chart is
    // one image, named as a whole, with its figures in the table below.
    for (const el of svg.querySelectorAll('[aria-label], [aria-description]')) {
      el.removeAttribute('aria-label');
      el.removeAttribute('aria-description');
    }
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', describe);
    const old = figure.querySelector('svg.plot');
    if (old) old.replaceWith(svg);
    else figure.prepend(svg);
  };
  let drawn = 0;
  const observe = () =>
    new ResizeObserver(([entry]) => {
      const width = entry.contentRect.width;
      if (width > 0 && Math.abs(width - drawn) >= 8) {
        drawn = width;
        render(width);
      }
    }).observe(figure);
  loadPlot().then(observe, () =>
    figure.prepend(h('p', { class: 'muted' }, 'The chart could not load; its figures are below.')),
  );
}

let plotLoading;

/**
 * Observable Plot and d3 (from the installed packages, src/server/vendor.ts), loaded once, when
 * the first chart asks: the page shows its figures first, and its charts as soon as the library
 * has arrived (half a megabyte of script, which would otherwise hold the whole page back).
 */
function loadPlot() {
  const script = (src) =>
    new Promise((resolve, reject) => {
      document.head.append(h('script', { src, onload: resolve, onerror: reject }));
    });
  // After the page's first paint: parsing the library holds the page's thread a moment.
  const painted = () =>
    new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  plotLoading ??= window.Plot
    ? Promise.resolve()
    : painted()
        .then(() => script('/vendor/d3.min.js'))
        .then(() => script('/vendor/plot.umd.min.js'));
  return plotLoading;
}

/**
 * Bars of one series: `items` are { label, value }; `unit` names the value ("minutes",
 * "plays"), `across` what the labels are ("day", "hour of the day"). `words` says a label in
 * the table and the tip, `tickWords` on the axis (both labelWords unless given); `columns`
 * adds figures to the table: [[heading, (item) => text]].
 */
export function barChart(
  items,
  { caption, unit, across, height = 200, words = labelWords, tickWords = words, columns = [] },
) {
  const labels = items.map((d) => String(d.label));
  const max = Math.max(0, ...items.map((d) => d.value));
  const figure = h(
    'figure',
    { class: 'chart' },
    figuresTable(
      caption,
      [across, unit, ...columns.map(([heading]) => heading)],
      items.map((d) => [words(d.label), fmt(d.value, 1), ...columns.map(([, cell]) => cell(d))]),
    ),
  );
  plotted(
    figure,
    (width) =>
      window.Plot.plot({
        className: 'plot',
        width,
        height,
        marginLeft: 48,
        x: {
          type: 'band',
          domain: labels,
          ticks: someTicks(labels, width),
          tickFormat: tickWords,
          label: across,
        },
        y: { grid: true, label: unit },
        marks: [
          window.Plot.barY(items, { x: (d) => String(d.label), y: 'value', fill: COLOURS.now }),
          window.Plot.ruleY([0]),
          window.Plot.tip(
            items,
            window.Plot.pointerX({
              x: (d) => String(d.label),
              y: 'value',
              title: (d) => `${words(d.label)}: ${fmt(d.value, 1)} ${unit}`,
            }),
          ),
        ],
      }),
    `${caption}: ${items.length} bars, the highest ${fmt(max, 1)} ${unit}`,
  );
  return figure;
}

/**
 * This period against the same period a year earlier, as two lines over the position in the
 * period ("day 1", "week 3", a month's name), with a legend. `now` and `before` are
 * [{ label, value }] in order; `names` says what each is ("Nov 2026", "Nov 2025").
 */
export function comparisonChart(now, before, { caption, unit, across, names, height = 200 }) {
  const length = Math.max(now.length, before.length);
  const position = (i) => i + 1;
  const rows = [
    ...now.map((d, i) => ({ at: position(i), value: d.value, series: names.now, label: d.label })),
    ...before.map((d, i) => ({
      at: position(i),
      value: d.value,
      series: names.before,
      label: d.label,
    })),
  ];
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    h('li', {}, h('span', { class: 'swatch now', 'aria-hidden': 'true' }), names.now),
    h('li', {}, h('span', { class: 'swatch before', 'aria-hidden': 'true' }), names.before),
  );
  const figure = h(
    'figure',
    { class: 'chart' },
    legend,
    figuresTable(
      caption,
      [across, names.now, names.before],
      Array.from({ length }, (_, i) => [
        String(position(i)),
        now[i] ? `${fmt(now[i].value, 1)} (${labelWords(now[i].label)})` : '—',
        before[i] ? `${fmt(before[i].value, 1)} (${labelWords(before[i].label)})` : '—',
      ]),
    ),
  );
  plotted(
    figure,
    (width) =>
      window.Plot.plot({
        className: 'plot',
        width,
        height,
        marginLeft: 48,
        x: { label: across, domain: [1, Math.max(2, length)], tickFormat: 'd' },
        y: { grid: true, label: unit, zero: true },
        color: { domain: [names.now, names.before], range: [COLOURS.now, COLOURS.before] },
        marks: [
          window.Plot.lineY(rows, {
            x: 'at',
            y: 'value',
            stroke: 'series',
            strokeWidth: 2,
            marker: length <= 31 ? 'circle' : undefined,
          }),
          window.Plot.ruleY([0]),
          window.Plot.tip(
            rows,
            window.Plot.pointer({
              x: 'at',
              y: 'value',
              stroke: 'series',
              title: (d) => `${d.series}, ${labelWords(d.label)}: ${fmt(d.value, 1)} ${unit}`,
            }),
          ),
        ],
      }),
    `${caption}: ${names.now} in green, ${names.before} in grey`,
  );
  return figure;
}
