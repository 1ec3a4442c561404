import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { SchedulerEvent } from '../../scheduler/scheduler.js';
import { secretsContext } from '../context.js';
import type { Output } from '../output.js';
import { onShutdown } from '../shutdown.js';

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description(
      'long-running: runs the pipeline on WRAPPED_SCHEDULE (default hourly) and sends the weekly summary; one per lake',
    )
    .addHelpText(
      'after',
      [
        '',
        'Runs at once when a run is overdue (first start, after downtime or sleep). Ctrl-C or',
        'SIGTERM stops it (exit 130): the lock is released and an unfinished stage is abandoned',
        'safely (lake writes are atomic; the next run redoes it). With --json, one JSON event per line.',
      ].join('\n'),
    )
    .option(
      '--metrics-port <n>',
      'also serve /healthz and /metrics (Prometheus) on this port, guarded like the dashboard',
    )
    .option(
      '--metrics-host <ip>',
      'address for --metrics-port (beyond loopback it needs --token)',
      '127.0.0.1',
    )
    .option(
      '--token <text>',
      'access token for --metrics-port beyond loopback (or WRAPPED_SERVE_TOKEN)',
    )
    .action(
      async (
        options: { metricsPort?: string; metricsHost: string; token?: string },
        command: Command,
      ) => {
        const { config, out } = await secretsContext(command);
        const { openLake } = await import('../../lake/open.js');
        const { runScheduler } = await import('../../scheduler/scheduler.js');
        const { systemClock } = await import('../../scheduler/clock.js');
        const clock = systemClock(config.settings.now);
        const lake = openLake(config.settings);
        if (options.metricsPort !== undefined) {
          const port = Number(options.metricsPort);
          if (!/^\d+$/.test(options.metricsPort) || port > 65_535)
            throw new UsageError(
              `--metrics-port must be a port number, not ${JSON.stringify(options.metricsPort)}.`,
            );
          const { startProbeServer } = await import('../../server/probes.js');
          const probes = await startProbeServer({
            config,
            lake,
            host: options.metricsHost,
            port,
            token: options.token ?? config.settings.serveToken,
            now: () => clock.now(),
          });
          onShutdown(() => probes.close());
          if (out.json) out.printJson({ metrics_url: `${probes.url}metrics` });
          else out.log(`Health and metrics on ${probes.url}healthz and ${probes.url}metrics`);
        }
        const stop = new AbortController();
        let stopped: Promise<unknown> = Promise.resolve();
        onShutdown(async () => {
          stop.abort();
          await stopped;
        });
        const ending = runScheduler({
          config,
          lake,
          clock,
          signal: stop.signal,
          // Stamped with the scheduler's clock (the simulator's, in tests and the demo).
          report: (event) => printEvent(out, event, clock.now()),
        });
        stopped = ending;
        if ((await ending) === 'lock_lost') process.exitCode = 1;
      },
    );
}

function printEvent(out: Output, event: SchedulerEvent, now: Date): void {
  const at = now.toISOString();
  if (out.json) {
    out.printJson({ at, ...event });
    return;
  }
  out.print(`${at}  ${describeEvent(out, event)}`);
}

function describeEvent(out: Output, event: SchedulerEvent): string {
  switch (event.event) {
    case 'started':
      return `scheduler started (pid ${event.pid}): runs "${event.schedule}", summary "${event.summary_schedule}", time zone ${event.timezone}`;
    case 'waiting':
      return `next run ${event.next_run}${event.next_summary ? `, next summary ${event.next_summary}` : ''}`;
    case 'catch_up':
      return `catching up: a run was due at ${event.due_at} (last run ${event.last_run})`;
    case 'run': {
      const r = event.record;
      const error = r.error ? ` - ${r.error.stage}: ${r.error.message}` : '';
      return `run ${r.run_id}: ${r.status}${error}`;
    }
    case 'run_skipped':
      return `run skipped: ${event.reason}`;
    case 'run_error':
      return out.color.red(`run could not start: ${event.message}`);
    case 'summary': {
      const d = event.result.delivery;
      return `weekly summary ${event.result.summary.week}: ${d === null ? 'not sent (no SLACK_WEBHOOK_URL)' : d.error ? `not sent (${d.error}); it waits in the outbox` : 'sent'}`;
    }
    case 'summary_error':
      return out.color.yellow(`weekly summary failed: ${event.message}`);
    case 'lock_lost':
      return out.color.red(`the scheduler lock was taken over by ${event.holder}; stopping`);
    case 'stopped':
      return 'scheduler stopped';
  }
}
