import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LakePathError, ModelError } from '../errors.js';
import { parseModel } from './models.js';
import { renderModelSql } from './runner.js';

const render = (sql: string) =>
  renderModelSql(parseModel('models/bronze/stg_x.sql', 'bronze', sql), {
    lakeRoot: '/lake',
    timezone: 'Europe/Berlin',
  });

describe('model templates', () => {
  it('turns lake paths and the time zone into SQL literals', () => {
    assert.equal(
      render(
        "select * from read_json({{ lake_path('raw/spotify/recently_played/*/*.json') }}) where tz = {{timezone}}",
      ),
      "select * from read_json('/lake/raw/spotify/recently_played/*/*.json') where tz = 'Europe/Berlin'",
    );
  });

  it('refuses lake paths that leave the lake and templates it does not know', () => {
    assert.throws(
      () => render("select * from read_json({{ lake_path('../../etc/*') }})"),
      LakePathError,
    );
    assert.throws(
      () => render("select * from read_json({{ lake_path('/etc/passwd') }})"),
      LakePathError,
    );
    assert.throws(
      () => render('select {{ user }}'),
      (e: unknown) =>
        e instanceof ModelError &&
        /stg_x\.sql: unknown template \{\{ user \}\}; known: .*lake_path/.test(e.message),
    );
  });
});
