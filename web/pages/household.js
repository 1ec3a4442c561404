// #/household?with=&year=: you beside another listener of this lake: how alike your listening
// is (affinity), the artists and songs you share, who found each artist first, and your two
// listening clocks. Only what a comparison shows of the other person; never their plays.

import { api } from '../lib/api.js';
import { barChart } from '../lib/charts.js';
import { h } from '../lib/dom.js';
import { fmt, when } from '../lib/format.js';
import { go } from '../lib/router.js';
import { dataTable, panel, show, tile } from '../lib/ui.js';

const hourWords = (hour) => `${String(hour).padStart(2, '0')}:00`;

export async function household(params) {
  const [data, meta] = await Promise.all([
    api('household', { with: params.get('with'), year: params.get('year') }),
    api('meta'),
  ]);
  const title = h('h1', {}, 'Household');
  if (data.comparison === null) {
    show(
      title,
      h(
        'p',
        { class: 'empty', 'data-testid': 'household-alone' },
        'You are the only listener of this lake. Add someone with `wrapped listener add NAME`: each of you then has your own pages, and this page puts you side by side.',
      ),
    );
    return;
  }
  const c = data.comparison;
  const [you, them] = [c.a, c.b];
  const period = data.period === 'all' ? 'all time' : data.period;
  const picker = h(
    'form',
    { class: 'controls', 'aria-label': 'Compare with' },
    h('label', { for: 'household-with' }, 'Compare with '),
    h(
      'select',
      {
        id: 'household-with',
        onchange: (event) =>
          go('household', { with: event.target.value, year: params.get('year') }),
      },
      ...data.others.map((o) =>
        h(
          'option',
          { value: o.id, selected: o.id === data.with ? '' : null },
          `${o.id}${o.display_name ? ` (${o.display_name})` : ''}: ${Math.round(o.affinity * 100)}%`,
        ),
      ),
    ),
  );
  const side = (s) =>
    `${fmt(s.minutes)} minutes, ${fmt(s.plays)} plays, ${fmt(s.artists)} artists${s.peak_hour === null ? '' : `, most at ${hourWords(s.peak_hour)}`}`;
  show(
    title,
    h('p', { class: 'muted' }, `${you.listener} and ${them.listener}, ${period}.`),
    picker,
    h(
      'div',
      { class: 'kpis' },
      tile(
        'Affinity',
        h('div', { class: 'value', 'data-testid': 'affinity' }, `${Math.round(c.affinity * 100)}%`),
        {
          title:
            'How much of your listening time you give the same artists: each one’s minutes split by artist, and the overlap of the two splits.',
        },
      ),
      tile('Artists you share', h('div', { class: 'value' }, fmt(c.shared_artist_count))),
      tile('Songs you share', h('div', { class: 'value' }, fmt(c.shared_track_count))),
    ),
    h(
      'p',
      { class: 'note' },
      `Affinity is the overlap of how each of you splits your music minutes between artists: 0% with no artist in common, 100% when you give the same artists the same share of your time. ${you.listener}: ${side(you)}. ${them.listener}: ${side(them)}.`,
    ),
    panel(
      'Artists you share',
      c.shared_artists.length
        ? dataTable(
            ['Artist', `#${you.listener} plays`, `#${them.listener} plays`, 'Found first'],
            c.shared_artists.map((r) => [
              r.artist_name,
              fmt(r.a.plays),
              fmt(r.b.plays),
              `${r.found_first === 'both' ? 'the same moment' : r.found_first}${
                r.found_first === you.listener && r.a.first_played_at
                  ? ` (${when(r.a.first_played_at, meta.timezone)})`
                  : r.found_first === them.listener && r.b.first_played_at
                    ? ` (${when(r.b.first_played_at, meta.timezone)})`
                    : ''
              }`,
            ]),
            { 'aria-label': 'Artists you share', 'data-testid': 'shared-artists' },
          )
        : h('p', { class: 'muted' }, `No artist you both played in ${period}.`),
    ),
    panel(
      'Songs you share',
      c.shared_tracks.length
        ? dataTable(
            ['Song', 'Artist', `#${you.listener} plays`, `#${them.listener} plays`],
            c.shared_tracks.map((r) => [
              r.track_name,
              r.artist_name ?? '',
              fmt(r.a.plays),
              fmt(r.b.plays),
            ]),
            { 'aria-label': 'Songs you share', 'data-testid': 'shared-tracks' },
          )
        : h('p', { class: 'muted' }, `No song you both played in ${period}.`),
    ),
    h(
      'div',
      { class: 'grid' },
      ...[
        [you.listener, c.clock.a],
        [them.listener, c.clock.b],
      ].map(([who, clock]) =>
        panel(
          `${who}'s listening clock`,
          barChart(
            clock.map((value, hour) => ({ label: hour, value })),
            {
              caption: `${who}: music minutes per hour of the day, ${period}`,
              unit: 'minutes',
              across: 'hour of the day',
              words: hourWords,
            },
          ),
        ),
      ),
    ),
  );
}
