import { type Command, InvalidArgumentError } from 'commander';
import { createOutput } from '../output.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port number from 0 to 65535 (0: any free port)');
  return n;
};
const isoTime = (value: string) => {
  if (Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('an ISO 8601 time such as 2026-11-24T12:00:00Z');
  return new Date(value);
};

export function registerSimulate(program: Command): void {
  const simulate = program.command('simulate');
  simulate
    .command('export')
    .description("write the simulated listener's Spotify data export (my_spotify_data.zip)")
    .requiredOption('--out <file>', 'where to write the zip')
    .option('--field-set <set>', 'extended history field set: 2025-26, 2024 or 2021-23')
    .option('--endsong', 'old layout: MyData/endsong_N.json (2021-23 field set)')
    .addHelpText(
      'after',
      '\n--seed and --start (of `wrapped simulate`) choose the world and its "now"; the export ends two days before now.',
    )
    .action(
      async (_own: { out: string; fieldSet?: string; endsong?: boolean }, command: Command) => {
        // --seed and --start are declared once, on `simulate`, which parses them wherever they stand.
        const options = command.optsWithGlobals<{
          out: string;
          seed: string;
          start?: Date;
          fieldSet?: string;
          endsong?: boolean;
          json?: boolean;
        }>();
        const out = createOutput({ json: Boolean(options.json) });
        if (
          options.fieldSet !== undefined &&
          !['2025-26', '2024', '2021-23'].includes(options.fieldSet)
        ) {
          const { UsageError } = await import('../../errors.js');
          throw new UsageError(
            `--field-set must be 2025-26, 2024 or 2021-23, not ${JSON.stringify(options.fieldSet)}.`,
          );
        }
        const { World } = await import('../../simulator/world.js');
        const { exportEntries } = await import('../../simulator/export.js');
        const { makeZip } = await import('../../simulator/zip-writer.js');
        const { writeFile, rename } = await import('node:fs/promises');
        const { resolve } = await import('node:path');
        const world = new World({ seed: options.seed, start: options.start ?? new Date() });
        const entries = exportEntries(world, {
          fieldSet: options.fieldSet as '2025-26' | undefined,
          endsong: options.endsong,
        });
        const target = resolve(options.out);
        const temp = `${target}.partial`;
        await writeFile(temp, makeZip(entries));
        await rename(temp, target); // a reader never sees half a zip
        const summary = { out: target, seed: options.seed, files: entries.map((e) => e.name) };
        if (out.json) out.printJson(summary);
        else out.print(`Wrote ${target}: ${entries.length} files (seed "${options.seed}").`);
      },
    );
  simulate
    .description('run the local Spotify simulator (accounts service, Web API, synthetic listener)')
    .option('--host <ip>', 'address to bind (loopback)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', port, 8900)
    .option('--seed <text>', 'seed of the simulated world', 'wrapped-demo')
    .option('--start <iso>', 'simulated clock at start (default: now)', isoTime)
    .option('--client-id <id>', 'the one app it knows', 'wrapped-demo')
    .option('--client-secret <secret>', "that app's secret", 'wrapped-demo-secret')
    .option('--realtime', 'the simulated clock moves on with real time (to try `wrapped schedule`)')
    .option(
      '--listeners <n>',
      'accounts of this Spotify (1-5): simlistener, simlistener2...; POST /_sim/session {"user":...} says who logs in next',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 5)
          throw new InvalidArgumentError('a whole number from 1 to 5');
        return n;
      },
      1,
    )
    .addHelpText(
      'after',
      '\nControl API (for tests and the demo): POST /_sim/clock {"advance":"PT1H"} or {"follow":true}, GET /_sim/truth/plays,\n' +
        'GET /_sim/requests, POST /_sim/faults, POST /_sim/settings, POST /_sim/session, POST /_sim/revoke. Ctrl-C stops it.',
    )
    .action(
      async (
        options: {
          host: string;
          port: number;
          seed: string;
          start?: Date;
          clientId: string;
          clientSecret: string;
          realtime?: boolean;
          listeners: number;
        },
        command: Command,
      ) => {
        const out = createOutput({
          json: Boolean(command.optsWithGlobals<{ json?: boolean }>().json),
        });
        const { startSimulator } = await import('../../simulator/server.js');
        const sim = await startSimulator({
          host: options.host,
          port: options.port,
          seed: options.seed,
          start: options.start,
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          followRealTime: options.realtime,
          listeners: options.listeners,
        });
        const info = {
          url: sim.url,
          accounts_url: sim.url,
          api_url: `${sim.url}/v1`,
          seed: options.seed,
          now: new Date(sim.world.now).toISOString(),
        };
        if (out.json) out.printJson(info);
        else {
          out.print(`Spotify simulator on ${sim.url} (seed "${options.seed}", clock ${info.now})`);
          out.print(`  SPOTIFY_ACCOUNTS_URL=${info.accounts_url}`);
          out.print(`  SPOTIFY_API_URL=${info.api_url}`);
          out.print(`  SPOTIFY_CLIENT_ID=${options.clientId}`);
          out.print('Press Ctrl-C to stop.');
        }
        // Runs until the process is interrupted (SIGINT/SIGTERM end it with code 130).
        await new Promise(() => undefined);
      },
    );
}
