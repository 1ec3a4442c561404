import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (serialised), raw text, or nothing (204). */
  json?: unknown;
  text?: string;
}

export const json = (
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): SimResponse => ({ status, json: body, headers });

/** Web API error body: {"error": {"status", "message"}}. */
export const apiError = (
  status: number,
  message: string,
  extra?: Record<string, unknown>,
): SimResponse => json(status, { error: { status, message, ...extra } });

/** Accounts service error body: {"error", "error_description"}. */
export const tokenError = (status: number, error: string, description: string): SimResponse =>
  json(status, { error, error_description: description });

export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let body: string | undefined;
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (response.text !== undefined) {
    body = response.text;
    headers['content-type'] ??= 'text/html; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(body);
}
