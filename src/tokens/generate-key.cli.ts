import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { validateEnv } from '../config/env.validation.js';
import { generateKeyFile } from './key-files.js';
import { join } from 'node:path';

/**
 * `npm run keys:generate -- --alg ES256|RS256 [--dir DIR] [--kid KID]`: writes a new private key
 * with a dated kid into JWT_KEYS_DIR (default DATA_DIR/keys). It is published at once and signs
 * once it sorts last or JWT_SIGNING_KID names it (see "Rotating signing keys" in the README).
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: { alg: { type: 'string' }, dir: { type: 'string' }, kid: { type: 'string' } },
  });
  const env = validateEnv(process.env);
  const algorithm = values.alg ?? (env.JWT_ALG === 'HS256' ? undefined : env.JWT_ALG);
  if (algorithm !== 'ES256' && algorithm !== 'RS256') {
    throw new Error('usage: npm run keys:generate -- --alg ES256|RS256 [--dir DIR] [--kid KID]');
  }
  if (values.kid !== undefined && !/^[\w.-]{1,64}$/.test(values.kid)) {
    throw new Error('--kid must be 1-64 letters, digits, dots, dashes or underscores');
  }
  const dir = values.dir ?? env.JWT_KEYS_DIR ?? join(env.DATA_DIR, 'keys');
  console.log(await generateKeyFile(dir, algorithm, values.kid));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
