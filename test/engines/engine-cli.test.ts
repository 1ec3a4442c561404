/**
 * Choosing an engine from the command line: what a user sees when the engine is not usable here.
 * (The Spark suite, spark.test.ts, builds on a real Spark.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir, wrapped } from '../support/helpers.js';

describe('wrapped --engine', () => {
  const setup = async (extra: Record<string, string> = {}) => {
    const dir = await tempDir();
    return {
      dir,
      env: {
        WRAPPED_HOME: join(dir, 'home'),
        WRAPPED_TIMEZONE: 'UTC',
        WRAPPED_SPARK_VENV: join(dir, 'no-spark-here'),
        ...extra,
      },
    };
  };

  it('spark not set up: exit 2 with the one command to run, and no table written', async () => {
    const { dir, env } = await setup();
    const result = await wrapped(['transform', '--engine', 'spark'], { env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Spark is not set up/);
    assert.match(result.stderr, /Run: wrapped engine setup spark/);
    assert.equal(existsSync(join(dir, 'home', 'lake', 'gold')), false);
    const viaEnv = await wrapped(['transform'], { env: { ...env, WRAPPED_ENGINE: 'spark' } });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /wrapped engine setup spark/);
  });

  it('doctor says whether the chosen engine can build here', async () => {
    const { env } = await setup();
    const builds = async (engine: string) => {
      const report = JSON.parse(
        (await wrapped(['doctor', '--json', '--engine', engine], { env })).stdout,
      );
      return report.checks.find((c: { name: string }) => c.name === 'builds');
    };
    assert.equal((await builds('duckdb')).status, 'ok');
    const spark = await builds('spark');
    assert.equal(spark.status, 'fail');
    assert.equal(spark.hint, 'Run: wrapped engine setup spark');
  });

  it('databricks without its variables: exit 2 naming DATABRICKS_HOST', async () => {
    const { env } = await setup();
    const result = await wrapped(['transform', '--engine', 'databricks'], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /DATABRICKS_HOST/);
  });

  it('an unknown engine is a usage error listing the engines', async () => {
    const { env } = await setup();
    const result = await wrapped(['transform', '--engine', 'oracle'], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /duckdb, spark, databricks/);
  });

  it('SPARK_REMOTE (Spark Connect) is refused, saying what to set instead', async () => {
    const { env } = await setup({ SPARK_REMOTE: 'sc://localhost:15002' });
    const result = await wrapped(['transform', '--engine', 'spark'], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Spark Connect/);
    assert.match(result.stderr, /WRAPPED_SPARK_MASTER/);
  });

  it('engine setup: a missing Java or Python is named, with how to install it, and nothing installed', async () => {
    const { dir, env } = await setup();
    const noJava = await wrapped(['engine', 'setup', 'spark'], {
      env: { ...env, JAVA_HOME: join(dir, 'no-java') },
    });
    assert.equal(noJava.code, 2);
    assert.match(noJava.stderr, /Java 17/);
    assert.match(noJava.stderr, /openjdk-17-jre-headless/);
    const noPython = await wrapped(['engine', 'setup', 'spark'], {
      env: { ...env, WRAPPED_PYTHON: join(dir, 'no-python3') },
    });
    assert.equal(noPython.code, 2, noPython.stderr);
    assert.match(noPython.stderr, /Python 3\.10/);
    assert.equal(existsSync(join(dir, 'no-spark-here')), false);
    const other = await wrapped(['engine', 'setup', 'duckdb'], { env });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /needs no setup/);
  });
});
