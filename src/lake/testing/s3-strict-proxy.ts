/**
 * A proxy in front of the S3 emulator that adds the two behaviours of real S3 the emulator
 * lacks, so the driver's side of them can be tested over real HTTP:
 * - `If-None-Match: *` on PutObject and CompleteMultipartUpload: 412 PreconditionFailed when
 *   the key exists (checked with a HEAD first: enough for one writer at a time, not a race);
 * - `If-Match: <ETag>` on the same requests: 412 when the key is missing or its ETag differs
 *   (the same HEAD check);
 * - an unknown access key id in the signature: 403 InvalidAccessKeyId.
 * It records the conditional requests it saw, so a test can tell which calls carried the header.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StrictProxy {
  endpoint: string;
  /** `PUT key` or `COMPLETE key` for each request that carried If-None-Match: * (`PUT IF-MATCH key` for If-Match). */
  conditional: string[];
  close(): Promise<void>;
}

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startStrictProxy(
  upstream: string,
  accessKeyId: string,
): Promise<StrictProxy> {
  const target = new URL(upstream);
  const conditional: string[] = [];
  const forward = (
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
  ) => {
    // The proxy answers `Expect: 100-continue` itself (Node's server does); passed on, the
    // emulator would answer it a second time.
    const { expect: _expect, ...rest } = headers;
    return request({ host: target.hostname, port: target.port, method, path, headers: rest });
  };

  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const key = decodeURIComponent(path.split('?')[0] ?? '');
    const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (credential !== accessKeyId) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        xmlError(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
        ),
      );
      req.resume();
      return;
    }
    const pass = () => {
      const upstreamReq = forward(method, path, req.headers);
      upstreamReq.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstreamReq.on('error', () => res.destroy());
      req.pipe(upstreamReq);
    };
    const isPut = method === 'PUT' && !/[?&](partNumber|uploadId)=/.test(path);
    const isComplete = method === 'POST' && /[?&]uploadId=/.test(path);
    const ifMatch = req.headers['if-match'];
    if ((req.headers['if-none-match'] !== '*' && ifMatch === undefined) || !(isPut || isComplete))
      return pass();
    conditional.push(`${isPut ? 'PUT' : 'COMPLETE'}${ifMatch ? ' IF-MATCH' : ''} ${key}`);
    const head = forward('HEAD', path.split('?')[0] ?? '/', {
      ...req.headers,
      'content-length': '0',
    });
    head.on('response', (answer) => {
      answer.resume();
      const refused =
        ifMatch === undefined
          ? answer.statusCode === 200
          : answer.statusCode !== 200 || answer.headers.etag !== ifMatch;
      if (refused) {
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          xmlError(
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold',
          ),
        );
        req.resume();
      } else pass();
    });
    head.on('error', () => res.destroy());
    head.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    conditional,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
