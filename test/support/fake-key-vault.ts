/**
 * A FAKE Azure Key Vault for tests: no emulator runs here (lowkey-vault's app is not on Maven
 * Central, and there is no Docker daemon), so this local HTTPS server speaks the part of the Key
 * Vault secrets REST API that @azure/keyvault-secrets uses: the bearer challenge, GET and PUT of
 * a secret, versions, 403 and 404 as Azure words them. Beside it, a fake managed-identity
 * endpoint (the App Service / Container Apps kind: IDENTITY_ENDPOINT + IDENTITY_HEADER) issues
 * the tokens, so the product's real DefaultAzureCredential signs in as it would in a container
 * job. The certificate is self-signed at start; children trust it through NODE_EXTRA_CA_CERTS.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeKeyVault {
  /** The vault URL (https://127.0.0.1:PORT). */
  url: string;
  /** Environment for a child process: the identity endpoint and the certificate to trust. */
  env: Record<string, string>;
  /** Every version of every secret, oldest first. */
  versions(name: string): string[];
  current(name: string): string | undefined;
  put(name: string, value: string): void;
  /** Answer 403 to this identity for one secret and action. */
  deny(name: string, action: 'get' | 'set'): void;
  allowAll(): void;
  /** Requests that reached the vault with a valid token: method and secret name. */
  log: Array<{ method: string; name: string; status: number }>;
  close(): Promise<void>;
}

const RESOURCE = 'https://vault.azure.net';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export async function startFakeKeyVault(): Promise<FakeKeyVault> {
  const dir = mkdtempSync(join(tmpdir(), 'wrapped-fake-kv-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );

  const identityHeader = randomBytes(16).toString('hex');
  const issued = new Set<string>();
  const secrets = new Map<
    string,
    Array<{ version: string; value: string; contentType?: string }>
  >();
  const denied = new Set<string>();
  const log: FakeKeyVault['log'] = [];

  // The managed identity: GET ?api-version=2019-08-01&resource=... with X-IDENTITY-HEADER.
  const identity = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers['x-identity-header'] !== identityHeader)
      return send(res, 401, { error: 'invalid identity header' });
    if (url.searchParams.get('resource') !== RESOURCE)
      return send(res, 400, { error: `no token for ${url.searchParams.get('resource')}` });
    const token = `fake-mi-${randomBytes(24).toString('hex')}`;
    issued.add(token);
    send(res, 200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource: RESOURCE,
      token_type: 'Bearer',
      client_id: '00000000-0000-0000-0000-00000000c0de',
    });
  });

  const vault = createHttpsServer(
    { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    (req, res) => void handleVault(req, res),
  );
  let vaultUrl = '';
  const bundle = (
    name: string,
    entry: { version: string; value: string; contentType?: string },
  ) => ({
    value: entry.value,
    contentType: entry.contentType,
    id: `${vaultUrl}/secrets/${name}/${entry.version}`,
    attributes: {
      enabled: true,
      created: 1_764_547_200,
      updated: 1_764_547_200,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    },
    tags: { 'written-by': 'wrapped-me' },
  });

  async function handleVault(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) {
      res.setHeader(
        'WWW-Authenticate',
        `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="${RESOURCE}"`,
      );
      return send(res, 401, {
        error: {
          code: 'Unauthorized',
          message: 'AKV10000: Request is missing a Bearer or PoP token.',
        },
      });
    }
    const match = /^\/secrets\/([^/]+)(?:\/([^/]*))?$/.exec(url.pathname);
    if (!match) return send(res, 400, { error: { code: 'BadParameter', message: 'Unknown path' } });
    const name = decodeURIComponent(match[1] as string);
    const version = match[2] ?? '';
    const method = req.method ?? 'GET';
    const respond = (status: number, payload: unknown) => {
      log.push({ method, name, status });
      send(res, status, payload);
    };
    if (!/^[0-9a-zA-Z-]{1,127}$/.test(name))
      return respond(400, {
        error: { code: 'BadParameter', message: 'The request URI contains an invalid name' },
      });
    const action = method === 'PUT' ? 'set' : 'get';
    if (denied.has(`${name}:${action}`))
      return respond(403, {
        error: {
          code: 'Forbidden',
          message: `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/${action === 'set' ? 'setSecret' : 'getSecret'}/action'`,
          innererror: { code: 'ForbiddenByRbac' },
        },
      });
    if (method === 'GET') {
      const all = secrets.get(name) ?? [];
      const entry = version ? all.find((e) => e.version === version) : all.at(-1);
      if (!entry)
        return respond(404, {
          error: {
            code: 'SecretNotFound',
            message: `A secret with (name/id) ${name} was not found in this key vault.`,
          },
        });
      return respond(200, bundle(name, entry));
    }
    if (method === 'PUT' && version === '') {
      const parsed = JSON.parse(body) as { value?: unknown; contentType?: string };
      if (typeof parsed.value !== 'string')
        return respond(400, {
          error: { code: 'BadParameter', message: 'Property value is required.' },
        });
      if (parsed.value.length > 25_000)
        return respond(400, {
          error: { code: 'BadParameter', message: 'Secret value is too long.' },
        });
      const entry = {
        version: randomBytes(16).toString('hex'),
        value: parsed.value,
        contentType: parsed.contentType,
      };
      secrets.set(name, [...(secrets.get(name) ?? []), entry]);
      return respond(200, bundle(name, entry));
    }
    return respond(405, {
      error: { code: 'BadParameter', message: `${method} is not supported here` },
    });
  }

  const listen = (server: ReturnType<typeof createHttpServer>) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  const identityPort = await listen(identity);
  const vaultPort = await listen(vault as unknown as ReturnType<typeof createHttpServer>);
  vaultUrl = `https://127.0.0.1:${vaultPort}`;

  return {
    url: vaultUrl,
    env: {
      IDENTITY_ENDPOINT: `http://127.0.0.1:${identityPort}/msi/token`,
      IDENTITY_HEADER: identityHeader,
      NODE_EXTRA_CA_CERTS: certFile,
    },
    versions: (name) => (secrets.get(name) ?? []).map((e) => e.value),
    current: (name) => secrets.get(name)?.at(-1)?.value,
    put: (name, value) =>
      secrets.set(name, [
        ...(secrets.get(name) ?? []),
        { version: randomBytes(16).toString('hex'), value },
      ]),
    deny: (name, action) => denied.add(`${name}:${action}`),
    allowAll: () => denied.clear(),
    log,
    close: async () => {
      vault.closeAllConnections();
      identity.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => vault.close(resolve)),
        new Promise((resolve) => identity.close(resolve)),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}
