import type { Command } from 'commander';
import { commandContext, secretsContext } from '../context.js';
import { openBrowser } from './auth.js';

const DAY = 86_400_000;

/**
 * `wrapped listener add|list|remove`: the people of a household on one lake (src/listeners).
 * Each has a Spotify login of their own, kept where `me`'s is (HOME, the lake or Key Vault).
 */
export function registerListener(program: Command): void {
  const listener = program
    .command('listener')
    .description('the listeners of this lake (a household, up to five): add, list, remove');

  listener
    .command('add')
    .description("log in another person's Spotify account (same app) as a listener of this lake")
    .argument('<name>', 'short name: lower-case letters, digits or "-" (for example anna)')
    .option('--no-browser', 'only print the URL to open')
    .option('--timeout <seconds>', 'how long to wait for the browser', '180')
    .action(
      async (name: string, options: { browser: boolean; timeout: string }, command: Command) => {
        const { config, out } = await secretsContext(command);
        const { openLake } = await import('../../lake/open.js');
        const { listenerId, readListeners, refuseSixth } = await import(
          '../../listeners/registry.js'
        );
        const id = listenerId(name);
        // Refuse a sixth listener before anyone logs in.
        refuseSixth((await readListeners(openLake(config.settings))).listeners, id);
        const { login } = await import('../../spotify/login.js');
        const tokens = await login({
          config,
          listener: id,
          timeoutMs: Math.max(1, Number(options.timeout) || 180) * 1000,
          onAuthorizeUrl: (url) => {
            if (out.json) out.printJson({ authorize_url: url });
            else
              out.log(
                `${id} logs in to Spotify with their own account: open this URL (Spotify asks who is logging in; choose "Not you?" if it shows someone else):\n\n  ${url}\n\nWaiting for the browser at ${config.settings.spotifyRedirectUri} ...`,
              );
            if (options.browser) openBrowser(url);
          },
        });
        const summary = { listener: id, display_name: tokens.display_name };
        if (out.json) out.printJson(summary);
        else
          out.print(
            `${id} is a listener of this lake, logged in as ${tokens.display_name ?? '?'}. The next \`wrapped run\` pulls their plays; import their export with \`wrapped import PATH --listener ${id}\`.`,
          );
      },
    );

  listener
    .command('list')
    .description('every listener: their Spotify account and how long their login lasts')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { readListeners } = await import('../../listeners/registry.js');
      const { openStateStores } = await import('../../state/stores.js');
      const { refreshTokenExpiry } = await import('../../spotify/token-store.js');
      const { escapeControlCharacters } = await import('../../text.js');
      const lake = openLake(config.settings);
      const { listeners } = await readListeners(lake);
      const rows = [];
      for (const l of listeners) {
        const tokens = await openStateStores(config, lake, l.id)
          .tokens.read()
          .catch(() => undefined);
        const expires = tokens ? refreshTokenExpiry(tokens.authorized_at) : undefined;
        rows.push({
          listener: l.id,
          display_name: l.display_name ?? tokens?.display_name ?? null,
          spotify_user_id: l.spotify_user_id ?? null,
          logged_in: tokens !== undefined,
          login_days_left: expires ? Math.floor((expires.getTime() - Date.now()) / DAY) : null,
        });
      }
      if (out.json) {
        out.printJson(rows);
        return;
      }
      for (const r of rows)
        out.print(
          `${r.listener.padEnd(12)} ${escapeControlCharacters(r.display_name ?? '?').padEnd(24)} ${
            r.logged_in
              ? `logged in, ${r.login_days_left} days left`
              : 'not logged in (imports only)'
          }`,
        );
    });

  listener
    .command('token')
    .description(
      "a new dashboard token for a listener: once any is set, each listener's token shows their own pages and the household page",
    )
    .argument('<name>', 'as `wrapped listener list` shows it')
    .action(async (name: string, _options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { resolveListener, saveListener, tokenDigest } = await import(
        '../../listeners/registry.js'
      );
      const { randomBytes } = await import('node:crypto');
      const lake = openLake(config.settings);
      const id = await resolveListener(lake, name);
      const token = randomBytes(24).toString('base64url');
      // Only its digest is kept: the token is shown here once, to be handed to its listener.
      await saveListener(lake, { id, token_sha256: tokenDigest(token) });
      if (out.json) {
        out.printJson({ listener: id, token });
        return;
      }
      out.print(
        `Dashboard token for ${id}, shown this once (the lake keeps only a digest of it):\n\n  ${token}\n\n${id} opens the dashboard with /?token=<this token> once; the browser keeps it. A new token replaces this one. From now on every visitor needs a token: give \`me\` one too (\`wrapped listener token me\`, or \`wrapped serve --token\`).`,
      );
    });

  listener
    .command('remove')
    .description('take a listener off the lake and forget their login; their data stays')
    .argument('<name>', 'as `wrapped listener list` shows it')
    .action(async (name: string, _options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { removeListener, listenerId } = await import('../../listeners/registry.js');
      const { openStateStores } = await import('../../state/stores.js');
      const id = listenerId(name);
      const lake = openLake(config.settings);
      const left = await removeListener(lake, id);
      const forgot = await openStateStores(config, lake, id).tokens.clear();
      if (out.json) {
        out.printJson({ removed: id, login_forgotten: forgot, listeners: left.map((l) => l.id) });
        return;
      }
      out.print(
        `${id} is no longer a listener${forgot ? ', and their login is forgotten' : ''}. Their plays stay in the lake until you remove their loads (\`wrapped loads list\`, \`wrapped loads remove LOAD_ID\`).`,
      );
    });
}
