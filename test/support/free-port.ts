import { createServer } from 'node:net';

/**
 * A port for a login callback that a test fixes in advance (SPOTIFY_REDIRECT_URI): free now on
 * 127.0.0.1, and below Linux's ephemeral range (32768-60999), so no outgoing connection of
 * another test takes it between logins (a port picked from 20000-40000 once did: EADDRINUSE).
 */
export async function freeCallbackPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
