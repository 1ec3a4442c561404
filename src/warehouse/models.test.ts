import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError } from '../errors.js';
import { checkQuery } from './checks.js';
import { buildOrder, type Model, parseModel, validateGraph } from './models.js';

const model = (
  layer: 'bronze' | 'silver' | 'gold',
  name: string,
  header: string,
  sql = 'select 1 as x',
) => parseModel(`models/${layer}/${name}.sql`, layer, `${header}\n${sql}\n`);

describe('model files', () => {
  it('reads the header: description, dependencies, key, materialization and checks', () => {
    const m = model(
      'silver',
      'fct_play',
      [
        '-- One row per stream.',
        '-- depends_on: bronze.stg_a, silver.dim_track',
        '-- key: play_id',
        '-- materialized: view',
        '-- check: not_null(user_id, ended_at)',
        "-- check: accepted_values(content_type: track, episode, 'unknown')",
        '-- check: relationships(track_id -> silver.dim_track.track_id)',
      ].join('\n'),
      'select * from bronze.stg_a;',
    );
    assert.equal(m.id, 'silver.fct_play');
    assert.equal(m.description, 'One row per stream.');
    assert.deepEqual(m.dependsOn, ['bronze.stg_a', 'silver.dim_track']);
    assert.deepEqual(m.key, ['play_id']);
    assert.equal(m.materialized, 'view');
    assert.equal(m.sql, 'select * from bronze.stg_a');
    assert.deepEqual(m.checks, [
      { kind: 'unique', columns: ['play_id'] },
      { kind: 'not_null', column: 'play_id' },
      { kind: 'not_null', column: 'user_id' },
      { kind: 'not_null', column: 'ended_at' },
      { kind: 'accepted_values', column: 'content_type', values: ['track', 'episode', 'unknown'] },
      {
        kind: 'relationships',
        column: 'track_id',
        target: 'silver.dim_track',
        targetColumn: 'track_id',
      },
    ]);
  });

  it('explains header mistakes with the file and line', () => {
    assert.throws(
      () => model('silver', 'x', '-- depend_on: bronze.a'),
      /models\/silver\/x\.sql:1: unknown header field "depend_on"/,
    );
    assert.throws(
      () => model('silver', 'x', '-- materialized: ephemeral'),
      /must be "table", "view", "incremental" or "partitioned"/,
    );
    assert.throws(
      () => model('silver', 'x', '-- materialized: partitioned'),
      /x\.sql: a partitioned model needs "-- event_time: <column>"/,
    );
    assert.throws(
      () => model('silver', 'x', '-- event_time: ended at'),
      /x\.sql:1: event_time "ended at" is not a column name/,
    );
    assert.throws(
      () => model('silver', 'x', '-- depends_on: bronze.a\n-- lookup: silver.dim_b (key)'),
      /x\.sql: lookup names silver\.dim_b, which depends_on does not declare/,
    );
    assert.throws(
      () => model('silver', 'x', '-- lookup: silver.dim_b (= key)'),
      /x\.sql:1: lookup key "= key" must start with a column name/,
    );
    assert.throws(
      () => model('silver', 'x', '-- materialized: incremental'),
      /models\/silver\/x\.sql:1: only bronze models read raw files, so only they can be incremental/,
    );
    assert.deepEqual(
      model(
        'gold',
        'x',
        "-- materialized: partitioned\n-- event_time: d\n-- rebuild: months where kind IN ('week')",
      ).rebuild,
      { unit: 'months', where: "kind IN ('week')" },
    );
    assert.throws(
      () => model('silver', 'x', '-- rebuild: hours'),
      /x\.sql:1: rebuild must be "days", "years" or "months where <condition>", not "hours"/,
    );
    assert.throws(
      () => model('silver', 'x', '-- rebuild: days'),
      /x\.sql: "rebuild: days" says how a partitioned model rebuilds; this one is table/,
    );
    assert.throws(
      () => model('silver', 'x', '-- x\n-- check: unique(a b)'),
      /x\.sql:2: bad check .*"a b" is not a column name/,
    );
    assert.throws(
      () => model('silver', 'x', '-- check: looks_fine(a)'),
      /unknown check "looks_fine"/,
    );
    assert.throws(
      () => model('silver', 'x', '-- depends_on: stg_a'),
      /must look like layer\.model/,
    );
    assert.throws(
      () => parseModel('models/silver/Bad-Name.sql', 'silver', 'select 1'),
      /lower-case letters/,
    );
    assert.throws(
      () => parseModel('models/silver/empty.sql', 'silver', '-- only a header\n'),
      /no SQL body/,
    );
  });

  it('reads a lookup and how its key meets the model rows', () => {
    const parsed = model(
      'silver',
      'x',
      "-- depends_on: silver.links, silver.names\n-- materialized: partitioned\n-- event_time: ended_at\n-- lookup: silver.links (artist_name = coalesce(artist_name, ''), name = track_name)\n-- lookup: silver.names",
    );
    assert.deepEqual(parsed.lookups, ['silver.links', 'silver.names']);
    assert.deepEqual(parsed.lookupKeys, {
      'silver.links': [
        { column: 'artist_name', expression: "coalesce(artist_name, '')" },
        { column: 'name', expression: 'track_name' },
      ],
    });
    assert.equal(parsed.eventTime, 'ended_at');
  });

  it('builds in dependency order, not name order', () => {
    const models = [
      model('gold', 'a_top', '-- depends_on: silver.z_fact', 'select * from silver.z_fact'),
      model(
        'silver',
        'z_fact',
        '-- depends_on: silver.b_dim, bronze.stg',
        'select * from silver.b_dim, bronze.stg',
      ),
      model('silver', 'b_dim', '-- depends_on: bronze.stg', 'select * from bronze.stg'),
      model('bronze', 'stg', ''),
    ];
    validateGraph(models);
    assert.deepEqual(
      buildOrder(models).map((m) => m.id),
      ['bronze.stg', 'silver.b_dim', 'silver.z_fact', 'gold.a_top'],
    );
  });

  it('refuses undeclared reads, unknown models, upward reads and cycles', () => {
    const stg = model('bronze', 'stg', '');
    const graph =
      (...models: Model[]) =>
      () =>
        validateGraph(models);
    assert.throws(
      graph(stg, model('silver', 'f', '', 'select * from bronze.stg')),
      /reads bronze\.stg but the header does not declare it/,
    );
    assert.throws(graph(stg, model('silver', 'f', '-- depends_on: bronze.nope')), /no such model/);
    assert.throws(
      graph(
        model('gold', 'g', ''),
        model('silver', 'f', '-- depends_on: gold.g', 'select * from gold.g'),
      ),
      /silver cannot read gold/,
    );
    assert.throws(
      graph(
        model('silver', 'a', '-- depends_on: silver.b', 'select * from silver.b'),
        model('silver', 'b', '-- depends_on: silver.a', 'select * from silver.a'),
      ),
      (e: unknown) => e instanceof ModelError && /cycle: silver\.a, silver\.b/.test(e.message),
    );
    // A reference inside a string or a comment is not a read.
    validateGraph([stg, model('silver', 'f', '', "select 'bronze.stg' as s -- bronze.stg")]);
  });

  it('compiles accepted values as literals, so a value cannot break out of the query', () => {
    const sql = checkQuery('silver.t', {
      kind: 'accepted_values',
      column: 'c',
      values: ["it's", 'x); drop table y; --'],
    });
    assert.match(sql, /IN \('it''s', 'x\); drop table y; --'\)/);
  });
});
