import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** Options shared by the app and the migration CLI, so both see the same schema and naming. */
export function dataSourceOptions(url: string, poolSize: number) {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // The schema changes only through reviewed migrations in migrations/.
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+; uuid-ossp is not available in PGlite.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      max: poolSize,
      // An unreachable or stuck database answers 503 within seconds, never a hung request:
      // connecting, and each statement (server side, then client side as a backstop), are bounded.
      connectionTimeoutMillis: 3_000,
      statement_timeout: 5_000,
      query_timeout: 6_000,
    },
  } satisfies DataSourceOptions;
}
