import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { secretsContext } from '../context.js';

export function registerApi(program: Command): void {
  program
    .command('api')
    .description(
      'GET a Spotify Web API path with your saved login and print the JSON (like `gh api`)',
    )
    .argument(
      '<path>',
      'a path under the API base, such as /me or /me/player/recently-played?limit=5',
    )
    .action(async (path: string, _options, command: Command) => {
      const { config, out } = await secretsContext(command);
      if (!path.startsWith('/') || path.startsWith('//'))
        throw new UsageError('The path must start with a single "/", such as /me.');
      const { spotifyClient } = await import('../../spotify/login.js');
      const client = spotifyClient(config);
      const url = new URL(path, 'http://x');
      const body = await client.get(url.pathname, Object.fromEntries(url.searchParams));
      out.print(JSON.stringify(body, null, out.json ? undefined : 2));
    });
}
