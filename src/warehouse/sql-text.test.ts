import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Warehouse } from './engine.js';
import { decodeUnicodeEscapesSql } from './sql-text.js';

describe('decoding literal \\u escapes in SQL', () => {
  it('decodes escaped names and leaves every other name as it was', async () => {
    const warehouse = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      const cases: Array<[string | null, string | null]> = [
        ['kh\\u00e1nh ng\\u1ee7y\\u00ean', 'khánh ngủyên'],
        ['Road Trip \\ud83d\\ude97', 'Road Trip 🚗'],
        ['AC\\DC \\u00e9t\\u00e9', 'AC\\DC été'],
        ['say "hi" \\u00e0 \\\\ moi', 'say "hi" à \\\\ moi'],
        ['khánh ngủyên', 'khánh ngủyên'],
        ['C:\\users\\nobody', 'C:\\users\\nobody'],
        ['\\u12', '\\u12'],
        ['half \\ud83d alone', 'half \\ud83d alone'],
        ['', ''],
        [null, null],
      ];
      for (const [input, expected] of cases) {
        const { rows } = await warehouse.query(
          `WITH t AS (SELECT CAST(? AS VARCHAR) AS v) SELECT ${decodeUnicodeEscapesSql('v')} AS name FROM t`,
          [input],
        );
        assert.equal(rows[0]?.name, expected, JSON.stringify(input));
      }
    } finally {
      warehouse.close();
    }
  });
});
