import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on host:port (0: any free port) and gives its URL, and a close that ends open
 * connections at once (a browser keeps them alive) and then runs `onClosed`.
 */
export async function listen(
  server: Server,
  host: string,
  port: number,
  onClosed: () => void = () => undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          onClosed();
          resolve();
        });
      }),
  };
}
