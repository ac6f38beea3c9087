import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';

/**
 * The hot paths' statements, as named prepared statements on a PostgreSQL server: the server
 * parses and plans each once per connection instead of on every call (for the one-statement
 * refresh that was about half of the database's time per request). Through the pg pool TypeORM
 * holds, with the same timeouts; logged through TypeORM's logger like every other statement.
 *
 * On the embedded database they run unnamed through TypeORM: pglite-socket serves one database
 * session to every connection, so a name prepared on one connection would already exist, unknown
 * to pg, on the next. Behind a transaction pooler too: each statement may land on another server
 * session, where the name is unknown.
 */
@Injectable()
export class PreparedStatements {
  private readonly named: boolean;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) config: ConfigType<typeof databaseConfig>,
  ) {
    // A transaction pooler (DATABASE_DIRECT_URL set) hands each statement to any server
    // session, where a name prepared on another one is unknown (PgBouncer before 1.21).
    this.named = config.url !== undefined && config.directUrl === undefined;
  }

  /** Runs `text` with `values` as the prepared statement `name` (one name per text). */
  async query<Row extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<Row[]> {
    if (!this.named) return this.dataSource.query<Row[]>(text, values);
    this.dataSource.logger.logQuery(text, values);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    return (await pool.query<Row>({ name, text, values })).rows;
  }
}
