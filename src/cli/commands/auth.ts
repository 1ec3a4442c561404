import type { Command } from 'commander';
import { commandContext, secretsContext } from '../context.js';

const DAY = 86_400_000;

export function registerAuth(program: Command): void {
  const auth = program.command('auth').description('connect, inspect or forget your Spotify login');

  auth
    .command('login')
    .description(
      'log in through the browser (authorization code flow; PKCE when no client secret is set)',
    )
    .option('--no-browser', 'only print the URL to open')
    .option('--timeout <seconds>', 'how long to wait for the browser', '180')
    .action(async (options: { browser: boolean; timeout: string }, command: Command) => {
      const { config, out } = await secretsContext(command);
      const { login } = await import('../../spotify/login.js');
      const { refreshTokenExpiry } = await import('../../spotify/token-store.js');
      const tokens = await login({
        config,
        timeoutMs: Math.max(1, Number(options.timeout) || 180) * 1000,
        onAuthorizeUrl: (url) => {
          if (out.json) out.printJson({ authorize_url: url });
          else
            out.log(
              `Open this URL to log in to Spotify:\n\n  ${url}\n\nWaiting for the browser at ${config.settings.spotifyRedirectUri} ...`,
            );
          if (options.browser) openBrowser(url);
        },
      });
      const expires = refreshTokenExpiry(tokens.authorized_at);
      const summary = {
        account_id: tokens.account_id,
        display_name: tokens.display_name,
        scopes: tokens.scope,
        authorized_at: tokens.authorized_at,
        refresh_token_expires_at: expires.toISOString(),
      };
      if (out.json) out.printJson(summary);
      else
        out.print(
          `Logged in as ${tokens.display_name ?? '?'} (account ${tokens.account_id ?? '?'}). Log in again before ${expires.toISOString().slice(0, 10)}.`,
        );
    });

  auth
    .command('status')
    .description('show the saved login: account, scopes, and days until you must log in again')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { refreshTokenExpiry } = await import('../../spotify/token-store.js');
      const { openStateStores } = await import('../../state/stores.js');
      const state = openStateStores(config);
      const tokens = await state.tokens.read();
      const block = await state.blocks.current();
      if (!tokens) {
        if (out.json) out.printJson({ logged_in: false });
        else out.print('Not logged in. Run `wrapped auth login`.');
        process.exitCode = 1;
        return;
      }
      const expires = refreshTokenExpiry(tokens.authorized_at);
      const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY);
      const status = {
        logged_in: true,
        account_id: tokens.account_id,
        display_name: tokens.display_name,
        scopes: tokens.scope,
        authorized_at: tokens.authorized_at,
        refresh_token_expires_at: expires.toISOString(),
        days_left: daysLeft,
        blocked_until: block?.until ?? null,
      };
      if (out.json) {
        out.printJson(status);
        return;
      }
      out.print(
        `Account     ${tokens.display_name ?? '?'} (account_id ${tokens.account_id ?? '?'})`,
      );
      out.print(`Authorised  ${tokens.authorized_at}`);
      out.print(
        `Expires     ${expires.toISOString()} (${daysLeft} days left${daysLeft < 14 ? ': log in again soon' : ''})`,
      );
      out.print(`Scopes      ${tokens.scope.join(' ')}`);
      if (block)
        out.print(
          `Blocked     Spotify asked to wait until ${block.until}${block.quota ? ' (daily quota)' : ''}`,
        );
    });

  auth
    .command('logout')
    .description('forget the saved tokens')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openStateStores } = await import('../../state/stores.js');
      const removed = await openStateStores(config).tokens.clear();
      if (out.json) out.printJson({ logged_out: removed });
      else out.print(removed ? 'Logged out: the saved tokens are gone.' : 'No login was saved.');
    });
}

/** Best effort: a missing browser is fine, the URL is printed anyway. */
export function openBrowser(url: string): void {
  import('node:child_process').then(({ spawn }) => {
    const command =
      process.platform === 'darwin'
        ? 'open'
        : process.platform === 'win32'
          ? 'explorer'
          : 'xdg-open';
    try {
      const child = spawn(command, [url], { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      // no browser here
    }
  });
}
