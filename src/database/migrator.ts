import { MigrationExecutor, type DataSource, type Migration } from 'typeorm';

/** Arbitrary constant shared by every instance: "sentinel" in ASCII. */
const MIGRATION_LOCK_KEY = 0x73656e74696e656cn;

/**
 * Runs `work` with the migration executor on one connection holding a PostgreSQL advisory lock,
 * so instances starting together apply each migration exactly once (the others wait, then find
 * nothing pending).
 */
async function withMigrationLock<T>(
  dataSource: DataSource,
  work: (executor: MigrationExecutor) => Promise<T>,
): Promise<T> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    // Migrations may rewrite large tables: not bound by the pool's 5 s statement timeout.
    await queryRunner.query('SET statement_timeout = 0');
    await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      return await work(executor);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await queryRunner.release();
  }
}

export function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, (executor) => executor.executePendingMigrations());
}

export function revertLastMigration(dataSource: DataSource): Promise<void> {
  return withMigrationLock(dataSource, (executor) => executor.undoLastMigration());
}

/** Names of the migrations not yet applied. */
export function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async (executor) =>
    (await executor.getPendingMigrations()).map((migration) => migration.name),
  );
}
