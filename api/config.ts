/**
 * The embedded development default behind `npm start`: whatever the environment leaves unset
 * among DATA_DIR, the template key, ABIS_TOKEN and ID_OPERATOR_TOKEN is filled in — data in
 * ./.biodedup-data, and a key and tokens generated once into that folder (mode 0600) and named
 * on start-up. Each door then reads its own variables (api/abis/config.ts,
 * api/id-service/config.ts). With BIODEDUP_ENV=production nothing is generated: a missing
 * value is a start-up error.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-schema.ts';
import { TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV, generateTemplateKey } from '../engine/index.ts';

export interface DevelopmentEnvironment {
  readonly env: NodeJS.ProcessEnv;
  /** What was generated or reused from the development folder, to say so on start-up. */
  readonly generated: readonly string[];
}

export function developmentEnvironment(env: NodeJS.ProcessEnv = process.env): DevelopmentEnvironment {
  const production = env.BIODEDUP_ENV === 'production';
  const out: NodeJS.ProcessEnv = { ...env };
  const generated: string[] = [];
  out.DATA_DIR = resolve(env.DATA_DIR || '.biodedup-data');
  mkdirSync(out.DATA_DIR, { recursive: true, mode: 0o700 });
  const fill = (name: string, file: string, make: () => string): string => {
    if (production) throw new ConfigError([`${name} must be set when BIODEDUP_ENV=production`]);
    const path = join(out.DATA_DIR!, file);
    if (!existsSync(path)) writeFileSync(path, `${make()}\n`, { mode: 0o600 });
    generated.push(`${name} from ${path} (development only)`);
    return path;
  };
  if (!env[TEMPLATE_KEY_ENV] && !env[TEMPLATE_KEY_FILE_ENV]) out[TEMPLATE_KEY_FILE_ENV] = fill(TEMPLATE_KEY_ENV, 'dev-template.key', generateTemplateKey);
  const token = (): string => randomBytes(24).toString('base64url');
  for (const [name, file] of [['ABIS_TOKEN', 'dev-abis.token'], ['ID_OPERATOR_TOKEN', 'dev-operator.token']] as const) {
    if (!env[name]) out[name] = readToken(fill(name, file, token));
  }
  return { env: out, generated };
}

/** The token in a development file: the same across restarts. */
function readToken(path: string): string {
  return readFileSync(path, 'utf8').trim();
}
