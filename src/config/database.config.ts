import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const databaseConfig = registerAs('database', () => {
  const env = validateEnv(process.env);
  return {
    /** Unset: the embedded PGlite server under `dataDir/pglite`. */
    url: env.DATABASE_URL,
    /** The same database without a transaction pooler between (LISTEN, advisory locks). */
    directUrl: env.DATABASE_DIRECT_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DB_POOL_SIZE,
    migrationsRun: env.DB_MIGRATIONS_RUN,
  };
});
