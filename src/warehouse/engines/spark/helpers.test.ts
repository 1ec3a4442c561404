import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXTENDED_COLUMNS } from '../../../importer/natural-key.js';
import { thriftTarget } from '../open.js';
import { emptyRelation, sparkPathList, sparkSchema } from './raw-views.js';
import { sparkString, sparkType } from './sql.js';
import { sparkMessage } from './thrift-client.js';

describe('Spark engine helpers', () => {
  it('lists files as one Hadoop path, glob characters in names escaped', () => {
    assert.equal(
      sparkPathList('/lake/', [
        '/lake/raw/export/L1/a.json',
        '/lake/raw/export/L1/b,{x}[1]*?.json',
      ]),
      '/lake/{raw/export/L1/a.json,raw/export/L1/b\\,\\{x\\}\\[1\\]\\*\\?.json}',
    );
    assert.throws(() => sparkPathList('/lake', ['/elsewhere/a.json']), /outside/);
  });

  it('writes string literals Spark reads back as written', () => {
    assert.equal(sparkString("it's a \\d"), "'it\\'s a \\\\d'");
    assert.throws(() => sparkString('a\0b'), /NUL/);
  });

  it("turns the export's column types into a Spark schema", () => {
    const schema = sparkSchema(EXTENDED_COLUMNS);
    assert.match(schema, /^`ts` STRING, `username` STRING, `platform` STRING, `ms_played` BIGINT/);
    assert.match(schema, /`shuffle` BOOLEAN/);
    assert.throws(() => sparkSchema("{a: 'JSON'}"), /No Spark type for JSON/);
  });

  it("maps the lake's column types to Spark's", () => {
    assert.equal(sparkType('TIMESTAMP WITH TIME ZONE'), 'TIMESTAMP');
    assert.equal(sparkType('TIMESTAMP'), 'TIMESTAMP_NTZ');
    assert.equal(sparkType('VARCHAR[]'), 'ARRAY<STRING>');
    assert.equal(sparkType('DECIMAL(18,3)'), 'DECIMAL(18,3)');
    assert.throws(() => sparkType('UNION(a INT)'), /No Spark type/);
  });

  it('an empty relation has the columns and types asked for', () => {
    assert.equal(
      emptyRelation('a STRING, b ARRAY<STRUCT<x: INT, y: INT>>'),
      'SELECT CAST(NULL AS STRING) AS a, CAST(NULL AS ARRAY<STRUCT<x: INT, y: INT>>) AS b WHERE false',
    );
  });

  it("keeps Spark's message and drops the Java exception classes around it", () => {
    assert.equal(
      sparkMessage(
        'org.apache.hive.service.cli.HiveSQLException: Error running query: [DIVIDE_BY_ZERO] org.apache.spark.SparkArithmeticException: [DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012\n\tat org.apache...',
      ),
      '[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012',
    );
  });

  it('reads a Thrift server URL, and refuses what is not one', () => {
    assert.deepEqual(thriftTarget('http://127.0.0.1:10001/cliservice'), {
      host: '127.0.0.1',
      port: 10001,
      path: '/cliservice',
      https: false,
    });
    assert.equal(thriftTarget('https://spark.example/').port, 443);
    assert.throws(() => thriftTarget('spark://x:7077'), /http/);
    assert.throws(() => thriftTarget('not a url'), /not a URL/);
  });
});
