import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Change,
  daysTouched,
  inputChange,
  partitionWindowSql,
  partitionYearsSql,
  yearsOfSpan,
  yearsTouched,
} from './changes.js';
import { parseModel } from './models.js';

const model = (header: string) =>
  parseModel('models/gold/x.sql', 'gold', `${header}\nselect 1 as x\n`);
const dated = (...days: string[]): Change => ({ kind: 'dated', days: new Set(days) });

describe('changes', () => {
  it('a day touches its year, and the neighbouring year within 8 days of New Year', () => {
    assert.deepEqual([...yearsTouched(['2025-06-01'])], [2025]);
    assert.deepEqual([...yearsTouched(['2025-01-03'])].sort(), [2024, 2025]);
    assert.deepEqual([...yearsTouched(['2024-12-28'])].sort(), [2024, 2025]);
    assert.deepEqual([...yearsTouched(['2024-12-20'])], [2024]);
  });

  it('the window a partial build reads: each run of years widened by 8 days', () => {
    assert.equal(partitionWindowSql('ended_at', undefined), 'TRUE');
    assert.equal(
      partitionWindowSql('p.ended_at', new Set([2025, 2023, 2024, 2027])),
      "((p.ended_at >= DATE '2022-12-24' AND p.ended_at < DATE '2026-01-09') OR (p.ended_at >= DATE '2026-12-24' AND p.ended_at < DATE '2028-01-09'))",
    );
  });

  it('a few changed days rebuild those days widened by 8; a long, undated or undescribed change rebuilds years', () => {
    const span = daysTouched(dated('2026-12-12', '2026-12-11'));
    assert.deepEqual(span, { from: '2026-12-03', to: '2026-12-20' });
    assert.deepEqual([...yearsOfSpan(span as { from: string; to: string })], [2026]);
    // Late December reaches into the next year's part.
    const newYear = daysTouched(dated('2026-12-30')) as { from: string; to: string };
    assert.deepEqual(newYear, { from: '2026-12-22', to: '2027-01-07' });
    assert.deepEqual([...yearsOfSpan(newYear)], [2026, 2027]);
    // Inputs are read 8 days further out on both sides.
    assert.equal(
      partitionWindowSql('ended_at', undefined, newYear),
      "(ended_at >= DATE '2026-12-14' AND ended_at < DATE '2027-01-16')",
    );
    assert.deepEqual(daysTouched(dated('2026-01-01', '2026-02-01')), {
      from: '2025-12-24',
      to: '2026-02-09',
    });
    assert.equal(daysTouched(dated('2026-01-01', '2026-02-02')), undefined, 'over 31 days');
    assert.equal(
      daysTouched({ kind: 'dated', days: new Set(['2026-01-01']), undated: true }),
      undefined,
    );
    assert.equal(daysTouched({ kind: 'all' }), undefined);
    // A month's list starts up to 31 days before a play in it.
    assert.deepEqual(daysTouched(dated('2026-12-12'), 31), {
      from: '2026-11-03',
      to: '2026-12-20',
    });
    assert.equal(partitionYearsSql('year_start', undefined), 'TRUE');
    assert.equal(
      partitionYearsSql('year_start', new Set([2026, 2025])),
      '(year(year_start) IN (2025, 2026))',
    );
    assert.equal(daysTouched({ kind: 'additions' }), undefined);
  });

  it('what each kind of model makes of its inputs changes', () => {
    const partitioned = model(
      '-- depends_on: silver.fct, silver.dim\n-- materialized: partitioned\n-- event_time: day\n-- lookup: silver.dim (key)',
    );
    const table = model('-- depends_on: silver.fct, silver.dim');
    const view = model('-- depends_on: silver.fct\n-- materialized: view');
    const datedView = model('-- depends_on: silver.fct\n-- materialized: view\n-- event_time: day');
    const changes = (fct: Change, dim: Change = { kind: 'none' }) =>
      new Map([
        ['silver.fct', fct],
        ['silver.dim', dim],
      ]);
    // Rows added to a lookup concern new rows only; to a table everything is rebuilt.
    assert.deepEqual(
      inputChange(partitioned, changes(dated('2025-01-01'), { kind: 'additions' })),
      {
        kind: 'dated',
        days: new Set(['2025-01-01']),
      },
    );
    assert.equal(inputChange(table, changes(dated('2025-01-01'))).kind, 'all');
    assert.equal(inputChange(table, changes({ kind: 'none' })).kind, 'none');
    // Undated rows of a lookup (its all-time rows) do not concern ours; of another input they do.
    assert.equal(
      inputChange(
        partitioned,
        changes({ kind: 'none' }, { kind: 'dated', days: new Set(), undated: true }),
      ).kind,
      'none',
    );
    assert.equal(
      inputChange(
        partitioned,
        changes({ kind: 'dated', days: new Set(['2025-01-01']), undated: true }),
      ).kind,
      'all',
    );
    // A view passes days on only when it says its rows are dated like its input's.
    assert.equal(inputChange(view, changes(dated('2025-01-01'))).kind, 'all');
    assert.equal(inputChange(datedView, changes(dated('2025-01-01'))).kind, 'dated');
    // An input this build did not build counts as changed all over.
    assert.equal(inputChange(partitioned, new Map()).kind, 'all');
  });
});
