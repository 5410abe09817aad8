/**
 * The services' configuration, from environment variables only (an operator or a test starts a
 * fresh instance anywhere by setting them). `npm start` with nothing set is the embedded
 * development default: data in ./.biodedup-data, loopback addresses, and a development key and
 * tokens generated once into that folder (mode 0600) and said so on start-up. A production
 * deployment sets the key and the tokens explicitly; `BIODEDUP_ENV=production` refuses to
 * generate them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineError, TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV, generateTemplateKey, loadTemplateKey, parseTemplateKey, type TemplateKey } from '../engine/index.ts';

export interface ServiceConfig {
  readonly dataDir: string;
  readonly key: TemplateKey;
  readonly abis: { readonly host: string; readonly port: number; readonly token: string };
  readonly id: { readonly host: string; readonly port: number; readonly operatorToken: string; readonly clientTokens: readonly string[] };
  readonly threads: number | undefined;
  readonly prefilter: boolean;
  /** What was generated for development (empty in production): said on start-up. */
  readonly generated: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadServiceConfig(env: Env = process.env): ServiceConfig {
  const production = env.BIODEDUP_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR || '.biodedup-data');
  mkdirSync(dataDir, { recursive: true });
  const generated: string[] = [];
  const secret = (name: string, file: string, make: () => string): string => {
    const given = env[name];
    if (given) return given;
    if (production) throw new EngineError('ERR_CONFIG', `${name} must be set when BIODEDUP_ENV=production`);
    const path = join(dataDir, file);
    if (!existsSync(path)) {
      writeFileSync(path, `${make()}\n`, { mode: 0o600 });
      generated.push(`${name} (development value written to ${path})`);
    }
    return readFileSync(path, 'utf8').trim();
  };
  let key: TemplateKey;
  if (env[TEMPLATE_KEY_ENV] || env[TEMPLATE_KEY_FILE_ENV] || production) key = loadTemplateKey(env);
  else key = parseTemplateKey(secret(TEMPLATE_KEY_ENV, 'dev-template.key', generateTemplateKey), 'development key file');
  const token = () => randomBytes(24).toString('base64url');
  return {
    dataDir,
    key,
    abis: { host: env.ABIS_HOST || '127.0.0.1', port: port(env, 'ABIS_PORT', 8090), token: secret('ABIS_TOKEN', 'dev-abis.token', token) },
    id: {
      host: env.ID_HOST || '127.0.0.1',
      port: port(env, 'ID_PORT', 8080),
      operatorToken: secret('ID_OPERATOR_TOKEN', 'dev-operator.token', token),
      clientTokens: (env.ID_CLIENT_TOKENS ?? '').split(',').map((t) => t.trim()).filter((t) => t !== ''),
    },
    threads: env.BIODEDUP_POOL_SIZE ? Number(env.BIODEDUP_POOL_SIZE) : undefined,
    prefilter: env.BIODEDUP_PREFILTER !== '0',
    generated,
  };
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new EngineError('ERR_CONFIG', `${name} must be a port number 0–65535, got "${raw}"`);
  return n;
}
