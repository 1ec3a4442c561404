// #/overview: a period's listening, against the period before and the same days a year earlier.

import { api } from '../lib/api.js';
import { barChart, comparisonChart } from '../lib/charts.js';
import { h, thumb } from '../lib/dom.js';
import { fmt, onDay } from '../lib/format.js';
import { albumHref, artistHref, go, trackHref } from '../lib/router.js';
import { downloadLink, emptyState, exportWouldAdd, itemList, panel, show } from '../lib/ui.js';

const PERIODS = [
  ['week', 'This week'],
  ['4w', 'Last 4 weeks'],
  ['6m', 'Last 6 months'],
  ['year', 'Last 12 months'],
  ['all', 'All time'],
  ['custom', 'Custom'],
];

/**
 * The change against the previous period of the same length. A percentage only means something
 * when the period before had enough to compare with: at least a fifth of this one. Otherwise
 * it says what the period before held ("new this period" when nothing).
 */
function change(now, before) {
  if (before === null || before === undefined)
    return h('span', { class: 'change muted' }, 'no earlier period');
  if (Number(before) === 0)
    return h(
      'span',
      { class: 'change muted' },
      now > 0 ? 'new this period' : 'nothing either period',
    );
  if (Number(before) * 5 < now)
    return h('span', { class: 'change muted' }, `up from ${fmt(before)} the period before`);
  const pct = Math.round(((now - before) / before) * 100);
  return h(
    'span',
    { class: `change ${pct >= 0 ? 'up' : 'down'}` },
    `${pct >= 0 ? '▲' : '▼'} ${Math.abs(pct)}% vs previous period`,
  );
}

/** Groups days into weeks or months when a period is long, so the chart stays readable. */
/**
 * Days bucketed by their place in a period that starts on `from`: day n, week n or month n,
 * every place filled (0 when nothing was played), labelled by its first day or its month.
 */
function byPlace(days, from, to, grain, metric) {
  const DAY = 86_400_000;
  const start = new Date(`${from}T00:00:00Z`);
  const place = (ymd) => {
    const date = new Date(`${ymd}T00:00:00Z`);
    if (grain === 'month')
      return (
        (date.getUTCFullYear() - start.getUTCFullYear()) * 12 +
        date.getUTCMonth() -
        start.getUTCMonth()
      );
    return Math.floor((date - start) / DAY / (grain === 'week' ? 7 : 1));
  };
  const labelOf = (n) => {
    if (grain === 'month')
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1))
        .toISOString()
        .slice(0, 7);
    return new Date(start.getTime() + n * (grain === 'week' ? 7 : 1) * DAY)
      .toISOString()
      .slice(0, 10);
  };
  const values = Array.from({ length: place(to) + 1 }, () => 0);
  for (const d of days) {
    const n = place(d.day);
    if (n >= 0 && n < values.length) values[n] += Number(d[metric]);
  }
  return values.map((value, n) => ({ label: labelOf(n), value }));
}

function series(days, metric) {
  const grain = days.length > 730 ? 'month' : days.length > 120 ? 'week' : 'day';
  const buckets = new Map();
  for (const d of days) {
    let key = d.day;
    if (grain === 'month') key = d.day.slice(0, 7);
    if (grain === 'week') {
      const date = new Date(`${d.day}T00:00:00Z`);
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      key = date.toISOString().slice(0, 10);
    }
    buckets.set(key, (buckets.get(key) ?? 0) + Number(d[metric]));
  }
  return { grain, items: [...buckets].map(([label, value]) => ({ label, value })) };
}

export async function overview(params) {
  const period = params.get('period') ?? '4w';
  const metric = params.get('metric') === 'plays' ? 'plays' : 'minutes';
  const state = { period, metric, from: params.get('from'), to: params.get('to') };
  const custom = h(
    'span',
    { class: 'controls', hidden: period !== 'custom' },
    h('label', {}, 'From', h('input', { type: 'date', id: 'from', value: state.from ?? '' })),
    h('label', {}, 'To', h('input', { type: 'date', id: 'to', value: state.to ?? '' })),
  );
  const select = h(
    'select',
    { id: 'period', 'aria-label': 'Period' },
    PERIODS.map(([value, text]) => h('option', { value, selected: value === period }, text)),
  );
  const apply = () => {
    const chosen = select.value;
    if (chosen === 'custom') {
      custom.hidden = false;
      const from = document.getElementById('from').value;
      const to = document.getElementById('to').value;
      if (!from || !to) return;
      go('overview', { ...state, period: chosen, from, to });
    } else go('overview', { period: chosen, metric });
  };
  select.addEventListener('change', apply);
  const controls = h(
    'div',
    { class: 'controls' },
    h('label', {}, 'Period', select),
    custom,
    h(
      'button',
      { type: 'button', id: 'apply', onclick: apply, hidden: period !== 'custom' },
      'Show',
    ),
    h(
      'span',
      { role: 'group', 'aria-label': 'Measure' },
      ['minutes', 'plays'].map((m) =>
        h(
          'button',
          {
            type: 'button',
            'aria-pressed': String(m === metric),
            'data-metric': m,
            onclick: () => go('overview', { ...state, metric: m }),
          },
          m === 'minutes' ? 'Minutes' : 'Plays',
        ),
      ),
    ),
  );
  select.addEventListener('change', () => {
    custom.hidden = select.value !== 'custom';
    document.getElementById('apply').hidden = select.value !== 'custom';
  });
  show(h('h1', {}, 'Overview'), controls, h('p', { class: 'muted' }, 'Loading…'));
  if (period === 'custom' && (!state.from || !state.to)) {
    show(
      h('h1', {}, 'Overview'),
      controls,
      h('p', { class: 'muted' }, 'Pick the first and last day, then Show.'),
    );
    return;
  }
  // Top lists rank by the measure shown: minutes or plays.
  const data = await api('overview', { period, from: state.from, to: state.to, by: metric });
  const t = data.totals;
  const p = data.previous;
  const kpi = (id, label, value, before, digits = 0) =>
    h(
      'div',
      { class: 'kpi', 'data-testid': `kpi-${id}` },
      h('div', { class: 'label' }, label),
      h('div', { class: 'value', 'data-value': value }, fmt(value, digits)),
      before === undefined ? null : change(Number(value), before === null ? null : Number(before)),
    );
  const figureOf = (row) =>
    metric === 'plays' ? `${fmt(row.plays)} plays` : `${fmt(row.minutes)} min`;
  const topList = (id, rows, name, href) =>
    rows.length
      ? itemList(id, rows, {
          name,
          href,
          figure: figureOf,
          picture: (r) => thumb(r, r.album_name ?? r.track_name ?? r.artist_name),
          attrs: (r) => ({ 'data-plays': r.plays, 'data-minutes': r.minutes }),
        })
      : h('p', { class: 'muted' }, 'Nothing in this period.');
  const { grain, items } = series(data.days, metric);
  const clock = Array.from({ length: 24 }, (_, hour) => ({
    label: String(hour).padStart(2, '0'),
    value: data.hours.filter((x) => x.hour === hour).reduce((n, x) => n + Number(x[metric]), 0),
  }));
  const heatMax = Math.max(1, ...data.hours.map((x) => Number(x[metric])));
  const heat = h(
    'div',
    { class: 'heat', role: 'img', 'aria-label': 'Listening by weekday and hour' },
    h('div', { class: 'head' }, ''),
    Array.from({ length: 24 }, (_, hour) =>
      h('div', { class: 'head' }, hour % 6 === 0 ? String(hour) : ''),
    ),
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].flatMap((day, i) => [
      h('div', { class: 'head' }, day),
      ...Array.from({ length: 24 }, (_, hour) => {
        const cell = data.hours.find((x) => x.weekday === i + 1 && x.hour === hour);
        const v = cell ? Number(cell[metric]) : 0;
        return h('div', {
          title: `${day} ${hour}:00 — ${fmt(v, 1)} ${metric}`,
          style: `background: rgba(21,128,61,${v ? 0.12 + (0.88 * v) / heatMax : 0.04})`,
        });
      }),
    ]),
  );
  const calendarDays = data.days.slice(-371);
  const calMax = Math.max(1, ...calendarDays.map((d) => Number(d[metric])));
  const first = calendarDays[0]
    ? (new Date(`${calendarDays[0].day}T00:00:00Z`).getUTCDay() + 6) % 7
    : 0;
  const calendar = h(
    'div',
    { class: 'calendar', role: 'img', 'aria-label': 'Calendar of listening days' },
    Array.from({ length: first }, () => h('div', { style: 'visibility:hidden' })),
    calendarDays.map((d) =>
      h('div', {
        title: `${onDay(d.day)}: ${fmt(d[metric], 1)} ${metric}`,
        style: `background: ${Number(d[metric]) ? `rgba(21,128,61,${0.2 + (0.8 * Number(d[metric])) / calMax})` : '#e5e7eb'}`,
      }),
    ),
  );
  const longest = data.longest_streak_days_in_period;
  show(
    h('h1', {}, 'Overview'),
    controls,
    h(
      'p',
      {
        class: 'muted',
        'data-testid': 'period',
        'data-from': data.period.from,
        'data-to': data.period.to,
      },
      `${onDay(data.period.from)} – ${onDay(data.period.to)}`,
    ),
    t.plays === 0 && t.minutes === 0
      ? emptyState(
          'Nothing was played in this period. Pick another, or run `wrapped import` / `wrapped run`.',
        )
      : null,
    exportWouldAdd(data.missing_years),
    h(
      'div',
      { class: 'kpis' },
      kpi('minutes', 'Minutes of music', t.minutes, p ? p.minutes : null),
      kpi('plays', 'Plays', t.plays, p ? p.plays : null),
      kpi('artists', 'Artists', t.unique_artists, p ? p.unique_artists : null),
      kpi('tracks', 'Songs', t.unique_tracks, p ? p.unique_tracks : null),
      kpi('podcasts', 'Podcast minutes', t.podcast_minutes, p ? p.podcast_minutes : null),
      data.unidentified_minutes > 0
        ? kpi(
            'unidentified',
            'Unidentified minutes (not music)',
            data.unidentified_minutes,
            undefined,
          )
        : null,
      kpi('streak', 'Current streak (days, up to today)', data.current_streak_days, undefined),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}`),
        barChart(items, {
          caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}`,
          unit: metric,
          across: grain,
        }),
      ),
      data.period.year_before
        ? h(
            'section',
            { class: 'panel wide', 'data-testid': 'year-before' },
            h('h2', {}, 'Against the same days a year earlier'),
            h(
              'p',
              { class: 'muted' },
              `${onDay(data.period.from)} – ${onDay(data.period.to)} against ${onDay(data.period.year_before.from)} – ${onDay(data.period.year_before.to)}, ${metric} per ${grain}.`,
            ),
            comparisonChart(
              byPlace(data.days, data.period.from, data.period.to, grain, metric),
              byPlace(
                data.year_before_days,
                data.period.year_before.from,
                data.period.year_before.to,
                grain,
                metric,
              ),
              {
                caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} per ${grain}, this period and a year earlier`,
                unit: metric,
                across: grain,
                names: { now: 'This period', before: 'A year earlier' },
              },
            ),
          )
        : null,
      panel(
        'Top artists',
        topList(
          'top-artists',
          data.top_artists,
          (r) => r.artist_name,
          (r) => r.artist_name && artistHref(r.artist_name),
        ),
        downloadLink('gold.agg_top_artists', 'top artists'),
      ),
      panel(
        'Top songs',
        topList(
          'top-tracks',
          data.top_tracks,
          (r) => `${r.track_name} — ${r.artist_name ?? '?'}`,
          (r) => r.track_key && trackHref(r.track_key),
        ),
        downloadLink('gold.agg_top_tracks', 'top songs'),
      ),
      panel(
        'Top albums',
        topList(
          'top-albums',
          data.top_albums,
          (r) => `${r.album_name} — ${r.artist_name ?? '?'}`,
          (r) => r.album_key && albumHref(r.album_key),
        ),
        downloadLink('gold.agg_top_albums', 'top albums'),
      ),
      panel(
        'Listening clock (hour of day)',
        barChart(clock, {
          caption: `${metric === 'plays' ? 'Plays' : 'Minutes'} by hour of the day`,
          unit: metric,
          across: 'hour of the day',
          height: 160,
        }),
      ),
      h('section', { class: 'panel wide' }, h('h2', {}, 'Weekday × hour'), heat),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Calendar'),
        calendar,
        h(
          'p',
          { class: 'muted' },
          `Longest run of listening days inside this period: ${fmt(longest)} days. Current streak, up to today: ${fmt(data.current_streak_days)} days.`,
        ),
        downloadLink('gold.agg_daily_listening', 'listening per day'),
      ),
      panel(
        'Discovery: new artists per month',
        data.discovery.length
          ? barChart(
              data.discovery.map((d) => ({ label: d.month, value: Number(d.new_artists) })),
              { caption: 'New artists per month', unit: 'new artists', across: 'month' },
            )
          : h('p', { class: 'muted' }, 'No first listens in this period.'),
      ),
    ),
  );
}
