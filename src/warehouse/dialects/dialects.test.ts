import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Warehouse } from '../engine.js';
import { loadModels } from '../models.js';
import { duckdbDialect } from './duckdb.js';
import { MACROS } from './macros.js';
import { renderSql } from './render.js';
import { sparkDialect } from './spark.js';

const root = new URL('../../../', import.meta.url).pathname;
const context = { lakeRoot: '/lake', timezone: 'Europe/Berlin' };

describe('dialects', () => {
  it('every dialect renders every macro', () => {
    for (const dialect of [duckdbDialect, sparkDialect])
      assert.deepEqual(
        Object.keys(dialect.macros).sort(),
        Object.keys(MACROS).sort(),
        dialect.name,
      );
  });

  it('renders nested macros innermost first and checks how many arguments each takes', () => {
    assert.equal(
      renderSql('SELECT {{ iso_week({{ local_time(t) }}) }}', duckdbDialect, context, 'x.sql'),
      "SELECT strftime(timezone('Europe/Berlin', t), '%G-W%V')",
    );
    assert.throws(
      () => renderSql('SELECT {{ latest(a) }}', duckdbDialect, context, 'x.sql'),
      /x\.sql: \{\{ latest\(a\) \}\} takes 2 arguments: \{\{ latest\(value, at\) \}\}/,
    );
    assert.throws(
      () => renderSql('SELECT {{ timezone', duckdbDialect, context, 'x.sql'),
      /unbalanced/,
    );
  });

  it('Spark: backslashes in literals are escaped, quoted names back-quoted, tables read as session views', () => {
    assert.equal(
      sparkDialect.finish(
        `SELECT "endTime", regexp_extract(f, 'W(\\d{4})', 1) FROM silver.fct_play AS p -- silver.fct_play\nWHERE x = 'silver.fct_play'`,
      ),
      "SELECT `endTime`, regexp_extract(f, 'W(\\\\d{4})', 1) FROM silver__fct_play AS p -- silver.fct_play\nWHERE x = 'silver.fct_play'",
    );
  });

  // Golden files: what Spark runs for each model, for a reviewer to read. UPDATE_GOLDEN=1 rewrites them.
  it('the Spark SQL of every model matches its golden file (test/golden/spark)', () => {
    const models = loadModels(join(root, 'models'));
    const stale: string[] = [];
    for (const model of models) {
      const file = join(root, 'test/golden/spark', model.layer, `${model.name}.sql`);
      const sql = `-- ${model.id}, rendered for Spark (lake /lake, time zone Europe/Berlin)\n${renderSql(model.sql, sparkDialect, context, model.file)}\n`;
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, sql);
        continue;
      }
      let golden = '';
      try {
        golden = readFileSync(file, 'utf8');
      } catch {}
      if (golden !== sql) stale.push(model.id);
    }
    assert.deepEqual(stale, [], 'run UPDATE_GOLDEN=1 npm test -- dialects, and read the diff');
  });
});

/** What each macro means, checked on DuckDB (the Spark suite checks Spark gives the same tables). */
describe('DuckDB macros mean what macros.ts says', () => {
  let warehouse: Warehouse;
  before(async () => {
    warehouse = await Warehouse.open({ file: ':memory:', timezone: 'Europe/Berlin' });
  });
  after(() => warehouse.close());
  const value = async (sql: string) => {
    const rendered = renderSql(sql, duckdbDialect, context, 'x.sql');
    return (await warehouse.query(`SELECT ${rendered} AS v`)).rows[0]?.v;
  };

  it('dates and times', async () => {
    assert.equal(await value("{{ iso_week(DATE '2021-01-03') }}"), '2020-W53');
    assert.equal(await value("{{ iso_week(DATE '2024-12-30') }}"), '2025-W01');
    assert.equal(await value("{{ iso_weekday(DATE '2026-11-29') }}"), 7);
    assert.equal(await value("{{ year_month(DATE '2026-11-29') }}"), '2026-11');
    assert.equal(
      await value("CAST({{ local_time({{ to_instant('2026-06-30T23:30:00Z') }}) }} AS DATE)"),
      '2026-07-01',
    );
    assert.equal(
      await value("{{ utc_date({{ to_instant('2026-07-01T00:30:00+02:00') }}) }}"),
      '2026-06-30',
    );
    assert.equal(
      await value("{{ utc_iso_ms({{ to_instant('2026-07-01T00:30:00.1234+02:00') }}) }}"),
      '2026-06-30T22:30:00.123',
    );
    assert.equal(await value("{{ epoch_ms({{ to_instant('1970-01-01T00:00:01.5Z') }}) }}"), 1500);
    assert.equal(await value('{{ epoch_ms({{ from_epoch_ms(1700000000123) }}) }}'), 1700000000123);
    assert.equal(await value('{{ epoch_ms({{ from_epoch_s(1700000000) }}) }}'), 1700000000000);
    assert.equal(await value('{{ minutes(90000) }}'), 1.5);
    // 584,700 ms is 9.745 minutes: a half, rounded up (not down from binary 9.74499...).
    assert.equal(await value('{{ minutes(584700) }}'), 9.75);
  });

  it('JSON', async () => {
    const doc = `CAST('{"a": {"b": [1, {"c": "x"}]}, "n": null, "s": "t\\u00e9"}' AS JSON)`;
    assert.equal(await value(`{{ json_text(${doc}, '$.a.b[1].c') }}`), 'x');
    assert.equal(await value(`{{ json_text(${doc}, '$.s') }}`), 'té');
    assert.equal(await value(`{{ json(${doc}, '$.n') }}`), null);
    assert.equal(await value(`{{ is_json_object(${doc}, '$.a') }}`), true);
    assert.equal(await value(`{{ is_json_array(${doc}, '$.a.b') }}`), true);
    const each = renderSql(
      `SELECT {{ json_each(${doc}, '$.a.b', item, n) }}`,
      duckdbDialect,
      context,
      'x.sql',
    );
    const rows = (await warehouse.query(`SELECT CAST(item AS STRING) AS item, n FROM (${each})`))
      .rows;
    assert.deepEqual(rows, [
      { item: '1', n: 1 },
      { item: '{"c":"x"}', n: 2 },
    ]);
  });

  it('aggregates: latest, top_by, distinct_list', async () => {
    const rows = `(VALUES ('a', TIMESTAMPTZ '2026-01-01', 1), ('b', TIMESTAMPTZ '2026-02-01', 3), (NULL, TIMESTAMPTZ '2026-03-01', 9), ('c', NULL, 3)) AS t(v, seen, w)`;
    const aggregate = async (sql: string) =>
      (
        await warehouse.query(
          `SELECT ${renderSql(sql, duckdbDialect, context, 'x.sql')} AS v FROM ${rows}`,
        )
      ).rows[0]?.v;
    assert.equal(await aggregate('{{ latest(v, seen) }}'), 'b');
    assert.equal(await aggregate('{{ top_by(v, w) }}'), 'b');
    assert.equal(await aggregate("{{ distinct_list(v, ',') }}"), 'a,b,c');
  });
});
