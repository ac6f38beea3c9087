import 'reflect-metadata';
import { openCliDataSource } from './cli-data-source.js';
import { pendingMigrations, revertLastMigration, runPendingMigrations } from './migrator.js';

/**
 * `npm run migration:run|revert|show`: the same advisory-locked runner the app uses at start, so
 * an operator's run and a starting instance never apply a migration twice.
 */
async function main(command: string | undefined): Promise<void> {
  const dataSource = await openCliDataSource();
  try {
    switch (command) {
      case 'run': {
        const applied = await runPendingMigrations(dataSource);
        console.log(
          applied.length ? applied.map((m) => `applied ${m.name}`).join('\n') : 'nothing to apply',
        );
        break;
      }
      case 'revert':
        await revertLastMigration(dataSource);
        console.log('reverted the last migration');
        break;
      case 'show': {
        const pending = await pendingMigrations(dataSource);
        const applied = dataSource.migrations.length - pending.length;
        console.log(
          `${applied} applied, ${pending.length} pending${pending.length ? `: ${pending.join(', ')}` : ''}`,
        );
        break;
      }
      default:
        throw new Error('usage: migrate run|revert|show');
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
