/**
 * The datashare client (api/abis/datashare.ts) on its own: https with a CA given in the options
 * (a self-signed loopback certificate made with openssl; skipped with a message without it),
 * the size bound (declared and streamed), the time bound, and MOSIP's 200-with-error bodies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatashareClient, DatashareError } from '../api/abis/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-datashare-'));
const servers: (http.Server | https.Server)[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

function makeCertificate(): { key: Buffer; cert: Buffer } | undefined {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  }
}

async function listen<T extends http.Server | https.Server>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    expect(e).toBeInstanceOf(DatashareError);
    return (e as DatashareError).kind;
  }
}

const tls = makeCertificate();
if (!tls) console.log('skipping the https datashare test: openssl could not make a certificate');

describe('datashare client', () => {
  it.skipIf(!tls)('fetches over https with the configured CA, and refuses an unknown one', async () => {
    const base = await listen(https.createServer({ key: tls!.key, cert: tls!.cert }, (_req, res) => res.end('<BIR/>')));
    const bytes = await new DatashareClient({ tls: { ca: tls!.cert }, allowedOrigins: [base] }).fetchRecord(`${base}/x`);
    expect(Buffer.from(bytes).toString()).toBe('<BIR/>');
    expect(await failure(new DatashareClient({ allowedOrigins: [base] }).fetchRecord(`${base}/x`))).toBe('unreachable');
  });

  it('bounds size and time, and reads MOSIP error bodies', async () => {
    const base = await listen(http.createServer((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      else if (req.url === '/streamed') {
        res.writeHead(200);
        const timer = setInterval(() => res.write('y'.repeat(1000)), 1);
        res.on('close', () => clearInterval(timer));
      } else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000);
      else if (req.url === '/expired') res.end(JSON.stringify({ errors: [{ errorCode: 'DAT-SER-006', message: 'Data share usage expired' }] }));
      else if (req.url === '/refused') res.end(JSON.stringify({ errors: [{ errorCode: 'KER-ATH-401', message: 'Authentication Failed' }] }));
      else if (req.url === '/gone') res.writeHead(410).end();
      else if (req.url === '/empty') res.end();
      else res.end('<BIR/>');
    }));
    const client = new DatashareClient({ maxBytes: 4096, timeoutMs: 300, allowedOrigins: [base] });
    expect(await failure(client.fetchRecord(`${base}/declared`))).toBe('too-large');
    expect(await failure(client.fetchRecord(`${base}/streamed`))).toBe('too-large');
    expect(await failure(client.fetchRecord(`${base}/slow`))).toBe('unreachable');
    expect(await failure(client.fetchRecord(`${base}/expired`))).toBe('expired');
    expect(await failure(client.fetchRecord(`${base}/gone`))).toBe('expired');
    expect(await failure(client.fetchRecord(`${base}/refused`))).toBe('refused');
    expect(await failure(client.fetchRecord(`${base}/empty`))).toBe('not-found');
    expect(await failure(client.fetchRecord('ftp://127.0.0.1/x'))).toBe('unreachable');
    expect(Buffer.from(await client.fetchRecord(`${base}/ok`)).toString()).toBe('<BIR/>');
  });
});
