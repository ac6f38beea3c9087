import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { validateEnv } from '../config/env.validation.js';
import { secureDataDirectory } from './data-directory.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

/** A data source that also stops the embedded server it runs on, so a CLI process can exit. */
class CliDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly embedded: EmbeddedPostgres | null,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    if (this.isInitialized) await super.destroy();
    await this.embedded?.stop();
  }
}

/**
 * The data source of the operator commands (`npm run migration:*`), from the same environment
 * and options as the app: the server at DATABASE_URL (DATABASE_DIRECT_URL when set, never a
 * transaction pooler), or the embedded database in DATA_DIR
 * (which the app must not be running on at the same time). The TypeORM CLI initializes the
 * data source itself, so it asks for one that is not yet initialized.
 */
export async function openCliDataSource({ initialize = true } = {}): Promise<DataSource> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnv(process.env);
  await secureDataDirectory(env.DATA_DIR);
  const embedded = env.DATABASE_URL ? null : await EmbeddedPostgres.start(env.DATA_DIR, 2);
  const dataSource = new CliDataSource(
    {
      ...dataSourceOptions(embedded?.url ?? env.DATABASE_DIRECT_URL ?? env.DATABASE_URL!, 2),
      // Compiled entities, for `migration:generate` to compare against the schema.
      entities: [fileURLToPath(new URL('../**/*.entity.js', import.meta.url))],
    },
    embedded,
  );
  if (!initialize) return dataSource;
  try {
    return await dataSource.initialize();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
