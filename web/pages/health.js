// #/health: is the pipeline well? Login, newest play, runs, checks, incidents, coverage.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { fmt, onDay, when } from '../lib/format.js';
import { dataTable, emptyState, panel, show } from '../lib/ui.js';

export async function health() {
  const s = await api('health');
  const colour = (d) =>
    d.has_gap
      ? '#b91c1c'
      : d.has_export_extended
        ? '#14532d'
        : d.has_export_account
          ? '#15803d'
          : d.has_api
            ? '#86efac'
            : d.has_other_history
              ? '#a78bfa'
              : '#e5e7eb';
  const first = s.coverage[0]
    ? (new Date(`${s.coverage[0].day}T00:00:00Z`).getUTCDay() + 6) % 7
    : 0;
  show(
    h('h1', {}, 'Health'),
    h(
      'div',
      { class: 'kpis' },
      h(
        'div',
        { class: 'kpi', 'data-testid': 'login' },
        h('div', { class: 'label' }, 'Spotify login'),
        h('div', { class: 'value' }, s.login ? `${s.login.days_left} days left` : 'none'),
        h(
          'div',
          { class: 'muted' },
          s.login ? 'log in again before it ends: wrapped auth login' : 'run wrapped auth login',
        ),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Newest play landed'),
        h('div', {}, when(s.newest_play_landed, s.timezone) ?? 'none yet'),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Last good run'),
        h('div', {}, when(s.last_successful_run, s.timezone) ?? 'none yet'),
      ),
      h(
        'div',
        { class: 'kpi' },
        h('div', { class: 'label' }, 'Scheduler'),
        h(
          'div',
          {},
          s.scheduler
            ? s.scheduler.alive
              ? `running, pid ${s.scheduler.pid} on ${s.scheduler.host}`
              : 'stopped (a stale lock)'
            : 'not running',
        ),
      ),
      h(
        'div',
        { class: 'kpi', 'data-testid': 'checks' },
        h('div', { class: 'label' }, 'Data checks (last run)'),
        h(
          'div',
          {},
          s.checks ? `${s.checks.passed} passed, ${s.checks.failed} failed` : 'not run yet',
        ),
      ),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Coverage, last 12 months'),
        s.coverage.length
          ? h(
              'div',
              { class: 'calendar', role: 'img', 'aria-label': 'Which source covers each day' },
              Array.from({ length: first }, () => h('div', { style: 'visibility:hidden' })),
              s.coverage.map((d) =>
                h('div', {
                  title: `${onDay(d.day)}: ${[d.has_export_extended && 'extended export', d.has_export_account && 'account data', d.has_api && 'API', d.has_other_history && 'Last.fm / ListenBrainz', d.has_gap && 'GAP'].filter(Boolean).join(', ')}`,
                  style: `background:${colour(d)}`,
                }),
              ),
            )
          : emptyState(),
        h(
          'div',
          { class: 'legend' },
          [
            ['#14532d', 'extended export'],
            ['#15803d', 'account data'],
            ['#86efac', 'API only'],
            ['#a78bfa', 'Last.fm / ListenBrainz only'],
            ['#b91c1c', 'gap recorded'],
            ['#e5e7eb', 'no listening'],
          ].map(([c, text]) => h('span', { style: `--c:${c}` }, text)),
        ),
      ),
      panel(
        'Open incidents',
        s.incidents.length
          ? h(
              'ul',
              {},
              s.incidents.map((i) =>
                h(
                  'li',
                  {},
                  `${i.kind.replaceAll('_', ' ')} since ${when(i.opened_at, s.timezone)}: ${i.summary}`,
                ),
              ),
            )
          : h('p', {}, 'None: everything works.'),
      ),
      panel(
        'Gaps recorded',
        s.gaps.length
          ? h(
              'ul',
              {},
              s.gaps.map((g) =>
                h('li', {}, `${when(g.from, s.timezone)} → ${when(g.to, s.timezone)}: ${g.reason}`),
              ),
            )
          : h('p', {}, 'None.'),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {}, 'Recent runs'),
        s.runs.length
          ? dataTable(
              ['When', 'Status', '#Seconds', 'Error'],
              s.runs.map((r) => [
                when(r.at, s.timezone),
                r.status.replaceAll('_', ' '),
                fmt(r.seconds, 1),
                r.error ?? '',
              ]),
              { 'data-testid': 'runs' },
            )
          : h(
              'p',
              { class: 'muted' },
              'No run yet: `wrapped run`, or `wrapped schedule` for every hour.',
            ),
      ),
    ),
  );
}
