import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a Slack incoming webhook on 127.0.0.1: it records what it receives and
 * can be told to fail. The demo prints what arrives; the tests assert on it.
 */
export interface SlackStandIn {
  /** The webhook URL (its path is a secret, as Slack's is). */
  url: string;
  messages: Array<{ text: string; blocks: unknown[] }>;
  /** Answer 500 to every message while true. */
  failing: boolean;
  close(): Promise<void>;
}

export async function startSlackStandIn(
  options: {
    secretPath?: string;
    onMessage?: (message: { text: string; blocks: unknown[] }) => void;
  } = {},
): Promise<SlackStandIn> {
  const secretPath =
    options.secretPath ?? `/services/T000/B000/${randomBytes(12).toString('base64url')}`;
  const standIn = { messages: [], failing: false } as unknown as SlackStandIn;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== secretPath || req.method !== 'POST') {
      res.writeHead(404).end('no_service');
      return;
    }
    if (standIn.failing) {
      res.writeHead(500).end('internal_error');
      return;
    }
    let message: { text: string; blocks: unknown[] };
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end('invalid_payload');
      return;
    }
    standIn.messages.push(message);
    options.onMessage?.(message);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${secretPath}`;
  standIn.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
