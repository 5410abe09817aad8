/**
 * ABIS door configuration from environment variables (documented in api/README.md, "ABIS API").
 * Missing required values throw with the variable's name; secrets are never echoed.
 */
import { readFileSync } from 'node:fs';
import type { DatashareOptions } from './datashare.ts';
import type { StompBrokerKind, StompTransportOptions } from './transport-stomp.ts';
import { partnerKeyringFromEnv } from './partner-keys.ts';
import { DatashareGuard, normaliseOrigin } from './datashare-guard.ts';
import type { PartnerKeyring } from './payload.ts';

export interface AbisEnvConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly datashare: DatashareOptions;
  /** Set when ABIS_STOMP_PORT or ABIS_STOMP_HOST is. */
  readonly stomp?: Omit<StompTransportOptions, 'processor' | 'metrics'>;
  /** The partner keys for encrypted datashare payloads (ABIS_PARTNER_*); undefined: plain CBEFF only. */
  readonly keyring?: PartnerKeyring;
}

export function abisConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AbisEnvConfig {
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new Error(`${name} is not set`);
    return v;
  };
  const port = Number(env.ABIS_PORT ?? '8090');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('ABIS_PORT must be a port number 0–65535');
  const token = need('ABIS_TOKEN');
  if (token.length < 16) throw new Error('ABIS_TOKEN must be at least 16 characters');
  const authUrl = env.ABIS_DATASHARE_AUTH_URL;
  const secret = env.ABIS_DATASHARE_SECRET_KEY_FILE ? readFileSync(env.ABIS_DATASHARE_SECRET_KEY_FILE, 'utf8').trim() : env.ABIS_DATASHARE_SECRET_KEY;
  const ca = env.ABIS_DATASHARE_CA_FILE ? readFileSync(env.ABIS_DATASHARE_CA_FILE) : undefined;
  const stompPort = Number(env.ABIS_STOMP_PORT ?? '61613');
  const broker = (env.ABIS_STOMP_BROKER ?? 'classic') as StompBrokerKind;
  if (broker !== 'classic' && broker !== 'artemis') throw new Error('ABIS_STOMP_BROKER must be classic or artemis');
  const stomp = env.ABIS_STOMP_PORT || env.ABIS_STOMP_HOST ? {
    host: env.ABIS_STOMP_HOST ?? '127.0.0.1',
    port: stompPort,
    broker,
    requestQueue: env.ABIS_STOMP_REQUEST_QUEUE ?? 'mosip-to-abis',
    responseQueue: env.ABIS_STOMP_RESPONSE_QUEUE ?? 'abis-to-mosip',
    login: env.ABIS_STOMP_LOGIN,
    passcode: env.ABIS_STOMP_PASSCODE,
  } : undefined;
  if (stomp && !(Number.isInteger(stompPort) && stompPort > 0 && stompPort < 65536)) throw new Error('ABIS_STOMP_PORT must be a port number');
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const allowedOrigins = list(env.ABIS_DATASHARE_ALLOWED_ORIGINS);
  const allowedNetworks = list(env.ABIS_DATASHARE_ALLOWED_NETWORKS);
  try {
    allowedOrigins.forEach(normaliseOrigin);
  } catch (e) {
    throw new Error(`ABIS_DATASHARE_ALLOWED_ORIGINS: ${(e as Error).message}`);
  }
  try {
    new DatashareGuard([], allowedNetworks);
  } catch (e) {
    throw new Error(`ABIS_DATASHARE_ALLOWED_NETWORKS: ${(e as Error).message}`);
  }
  return {
    stomp,
    keyring: partnerKeyringFromEnv(env),
    dataDir: need('DATA_DIR'),
    host: env.ABIS_HOST ?? '127.0.0.1',
    port,
    token,
    datashare: {
      auth: authUrl ? {
        url: authUrl,
        appId: env.ABIS_DATASHARE_APP_ID ?? 'regproc',
        clientId: need('ABIS_DATASHARE_CLIENT_ID'),
        secretKey: secret ?? need('ABIS_DATASHARE_SECRET_KEY'),
      } : undefined,
      cookieName: env.ABIS_DATASHARE_COOKIE ?? 'Authorization',
      maxBytes: env.ABIS_DATASHARE_MAX_BYTES ? Number(env.ABIS_DATASHARE_MAX_BYTES) : undefined,
      timeoutMs: env.ABIS_DATASHARE_TIMEOUT_MS ? Number(env.ABIS_DATASHARE_TIMEOUT_MS) : undefined,
      tls: ca ? { ca } : undefined,
      allowedOrigins,
      allowedNetworks,
    },
  };
}
