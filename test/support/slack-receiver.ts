import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for Slack's incoming webhook: records every message; can be told to fail. */
export interface SlackReceiver {
  url: string;
  messages: Array<{ text: string; blocks: unknown[] }>;
  failing: boolean;
  close(): Promise<void>;
}

export async function startSlackReceiver(
  secretPath = '/services/T000/B000/very-secret-token',
): Promise<SlackReceiver> {
  const receiver = { messages: [] as SlackReceiver['messages'], failing: false } as SlackReceiver;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== secretPath || req.method !== 'POST') {
      res.writeHead(404).end('no_service');
      return;
    }
    if (receiver.failing) {
      res.writeHead(500).end('internal_error');
      return;
    }
    receiver.messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${secretPath}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
