import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

/** The embedded server, or `null` when `DATABASE_URL` points at a real one. */
export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

@Injectable()
class EmbeddedPostgresShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * The server must outlive its clients: close the pool first unless TypeORM's own shutdown hook
   * already has (it skips a data source that is no longer initialized).
   */
  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}

@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [databaseConfig.KEY],
      useFactory: async (config: ConfigType<typeof databaseConfig>) => {
        if (config.url) return null;
        const embedded = await EmbeddedPostgres.start(config.dataDir, config.poolSize);
        new Logger('Database').log(`Embedded PostgreSQL (PGlite) in ${config.dataDir}/pglite`);
        return embedded;
      },
    },
    EmbeddedPostgresShutdown,
  ],
  exports: [EMBEDDED_POSTGRES],
})
export class EmbeddedPostgresModule {}
