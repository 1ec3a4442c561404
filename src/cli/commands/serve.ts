import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext } from '../context.js';
import { onShutdown } from '../shutdown.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the dashboard in your browser: Overview, Wrapped, History, Library, Health')
    .option('--host <ip>', 'address to bind (beyond loopback it needs --token)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '8787')
    .option('--token <text>', 'access token every request must carry (or WRAPPED_SERVE_TOKEN)')
    .option(
      '--allow-host <name>',
      'a host name the browser may use besides the bound address (repeat for more)',
      (name: string, names: string[]) => [...names, name],
      [] as string[],
    )
    .action(
      async (
        options: { host: string; port: string; token?: string; allowHost: string[] },
        command: Command,
      ) => {
        const { config, out } = commandContext(command);
        const port = Number(options.port);
        if (!/^\d+$/.test(options.port) || port > 65_535)
          throw new UsageError(
            `--port must be a port number, not ${JSON.stringify(options.port)}.`,
          );
        const { openLake } = await import('../../lake/open.js');
        const { startServer } = await import('../../server/app.js');
        const token = options.token ?? config.settings.serveToken;
        const server = await startServer({
          config,
          lake: openLake(config.settings),
          host: options.host,
          port,
          token,
          allowHosts: options.allowHost,
          now: config.settings.now ? () => new Date(config.settings.now as string) : undefined,
          onError: (error) =>
            out.log(`request failed: ${config.redact((error as Error).stack ?? String(error))}`),
        });
        onShutdown(() => server.close());
        if (out.json) out.printJson({ url: server.url, token_required: Boolean(token) });
        else {
          out.print(
            `Dashboard on ${server.url}${token ? ' (open it with ?token=<your token> once)' : ''}`,
          );
          out.print('Ctrl-C stops it.');
        }
        // Serves until interrupted.
        await new Promise(() => undefined);
      },
    );
}
