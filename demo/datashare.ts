/**
 * A tiny local stand-in for MOSIP's datashare behind its auth manager, with MOSIP's token flow:
 * - `POST /v1/authmanager/authenticate/clientidsecretkey` `{request: {appId, clientId, secretKey}}`
 *   → `Set-Cookie: Authorization=<token>` (HTTP 200 with KER-ATH-401 in the body when wrong);
 * - `GET /v1/datashare/get/<policyId>/<subscriberId>/<name>` → the record, only with a live token
 *   in the `Authorization` cookie (otherwise HTTP 200 with KER-ATH-401, as MOSIP answers).
 * For demonstrations only: tokens are random strings kept in memory, records live in memory.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoCredentials {
  readonly appId: string;
  readonly clientId: string;
  readonly secretKey: string;
}

export interface DemoDatashare {
  readonly base: string;
  readonly authUrl: string;
  /** Publishes a record; returns its URL. */
  publish(name: string, record: string | Uint8Array): string;
  close(): Promise<void>;
}

const mosipError = (code: string, message: string): string => JSON.stringify({ id: null, version: null, responsetime: new Date().toISOString(), response: null, errors: [{ errorCode: code, message }] });

export async function startDemoDatashare(credentials: DemoCredentials, port = 0): Promise<DemoDatashare> {
  const records = new Map<string, string | Uint8Array>();
  const tokens = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      if (chunks.reduce((n, b) => n + b.length, c.length) <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      const json = (status: number, body: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
      };
      if (req.method === 'POST' && req.url === '/v1/authmanager/authenticate/clientidsecretkey') {
        let request: Record<string, unknown> = {};
        try {
          request = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: Record<string, unknown> }).request ?? {};
        } catch {
          // an unreadable body is a wrong login
        }
        if (request.appId !== credentials.appId || request.clientId !== credentials.clientId || request.secretKey !== credentials.secretKey) {
          return json(200, mosipError('KER-ATH-401', 'Authentication Failed'));
        }
        const token = randomBytes(24).toString('base64url');
        tokens.add(token);
        return json(200, JSON.stringify({ response: { status: 'Success', message: 'Clientid and Token combination had been validated successfully' }, errors: null }),
          { 'set-cookie': `Authorization=${token}; Max-Age=1800; Path=/; HttpOnly` });
      }
      const m = /^\/v1\/datashare\/get\/[\w.-]+\/[\w.-]+\/([\w.-]+)$/.exec(req.url ?? '');
      if (req.method !== 'GET' || m === null) return json(404, mosipError('DAT-SER-003', 'File does not exists or File is empty'));
      const cookie = /(?:^|;\s*)Authorization=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (cookie === undefined || !tokens.has(cookie)) return json(200, mosipError('KER-ATH-401', 'Authentication Failed'));
      const record = records.get(m[1]);
      if (record === undefined) return json(200, mosipError('DAT-SER-003', 'File does not exists or File is empty'));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(record);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    authUrl: `${base}/v1/authmanager/authenticate/clientidsecretkey`,
    publish(name, record) {
      records.set(name, record);
      return `${base}/v1/datashare/get/mpolicy-default-abis/mpartner-default-abis/${name}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
