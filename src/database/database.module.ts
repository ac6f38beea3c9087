import { Global, Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';
import { dataSourceOptions } from './data-source-options.js';
import { EMBEDDED_POSTGRES, EmbeddedPostgresModule } from './embedded-postgres.module.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';
import { runPendingMigrations } from './migrator.js';
import { PreparedStatements } from './prepared-statements.js';

/** Applies pending migrations before any other module touches the database. */
@Injectable()
class DatabaseMigrator implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: ConfigType<typeof databaseConfig>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.migrationsRun) return;
    const applied = this.config.directUrl
      ? await this.migrateDirectly(this.config.directUrl)
      : await runPendingMigrations(this.dataSource);
    for (const migration of applied) this.logger.log(`Applied migration ${migration.name}`);
  }

  /**
   * Behind a transaction pooler the advisory lock would stay on whichever server session ran
   * it: migrations get their own connection to the database itself, closed when they are done.
   */
  private async migrateDirectly(url: string) {
    const direct = await new DataSource(dataSourceOptions(url, 1)).initialize();
    try {
      return await runPendingMigrations(direct);
    } finally {
      await direct.destroy();
    }
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedPostgresModule],
      inject: [databaseConfig.KEY, EMBEDDED_POSTGRES],
      useFactory: (
        config: ConfigType<typeof databaseConfig>,
        embedded: EmbeddedPostgres | null,
      ) => ({
        // PGlite is one database session behind a multiplexer: concurrent statements from
        // several connections can interleave their protocol messages (an unnamed prepared
        // statement of one lands in another). It runs one statement at a time anyway, so one
        // connection costs nothing and makes it safe. A real server gets the configured pool.
        ...dataSourceOptions(embedded ? embedded.url : config.url!, embedded ? 1 : config.poolSize),
        autoLoadEntities: true,
        retryAttempts: 2,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [DatabaseMigrator, PreparedStatements],
  exports: [PreparedStatements],
})
export class DatabaseModule {}
