import { createServer } from 'node:http';
import { WrappedError } from '../errors.js';

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

/**
 * A one-shot server for the OAuth redirect. It listens only on the loopback address named in the
 * redirect URI, accepts one request on its path, checks `state`, answers with a small page, and
 * closes. Anything else (a wrong state, a denial, a timeout) ends the login with a clear error.
 */
export async function waitForCallback(options: {
  redirectUri: string;
  state: string;
  timeoutMs: number;
  /** Called once the server listens, so the caller prints the URL only when it can be answered. */
  onListening?: () => void;
}): Promise<string> {
  const redirect = new URL(options.redirectUri);
  const host = redirect.hostname.replace(/^\[|\]$/g, '');
  if (host !== '127.0.0.1' && host !== '::1' && !/^127\./.test(host)) {
    throw new WrappedError(
      `The redirect URI ${options.redirectUri} is not on this machine's loopback address.`,
      {
        hint: 'Use http://127.0.0.1:8888/callback (and register exactly that in the Spotify dashboard).',
      },
    );
  }
  const port = Number(redirect.port || 80);
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, code?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
      if (error) reject(error);
      else resolve(code as string);
    };
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', options.redirectUri);
      if (url.pathname !== redirect.pathname) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      const reply = (status: number, title: string, text: string) => {
        res
          .writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
          .end(PAGE(title, text));
      };
      if (url.searchParams.get('state') !== options.state) {
        reply(
          400,
          'Login failed',
          'The answer did not match this login (wrong state). Start again with wrapped auth login.',
        );
        finish(
          new WrappedError(
            'The login answer carried a wrong state: it did not come from this login attempt.',
            { hint: 'Run `wrapped auth login` again.' },
          ),
        );
        return;
      }
      const error = url.searchParams.get('error');
      if (error) {
        reply(400, 'Login cancelled', 'Spotify did not grant access. You can close this tab.');
        finish(
          new WrappedError(
            error === 'access_denied'
              ? 'You declined access on the Spotify page.'
              : `Spotify refused the login: ${error}.`,
            {
              hint: 'Run `wrapped auth login` again and choose "Agree".',
            },
          ),
        );
        return;
      }
      const code = url.searchParams.get('code');
      if (!code) {
        reply(400, 'Login failed', 'The answer had no code.');
        finish(new WrappedError('Spotify redirected back without a code.'));
        return;
      }
      reply(
        200,
        'Logged in',
        'wrapped-me is connected to your Spotify account. You can close this tab.',
      );
      finish(undefined, code);
    });
    const timer = setTimeout(
      () =>
        finish(
          new WrappedError(
            `No answer from the browser within ${Math.round(options.timeoutMs / 1000)} s.`,
            {
              hint: `Open the printed URL, log in and agree; the browser must be on this machine to reach ${options.redirectUri}.`,
            },
          ),
        ),
      options.timeoutMs,
    );
    server.once('error', (error: NodeJS.ErrnoException) =>
      finish(
        new WrappedError(
          `Cannot listen on ${host}:${port} for the login callback: ${error.code ?? error.message}.`,
          {
            hint: 'Another program uses that port: choose another with SPOTIFY_REDIRECT_URI (and register it in the dashboard).',
          },
        ),
      ),
    );
    server.listen(port, host, () => options.onListening?.());
  });
}
