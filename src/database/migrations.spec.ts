import { readdir } from 'node:fs/promises';
import { MIGRATIONS } from './migrations.js';

/** TypeORM runs migrations in timestamp order, whatever the order of the list. */
describe('the migration list', () => {
  const entries = MIGRATIONS.map((migration) => {
    const name = migration.name;
    const match = /^(\w+?)(\d{13})$/.exec(name);
    return {
      name,
      file: match ? `${match[2]}-${match[1]}.ts` : name,
      timestamp: Number(match?.[2]),
    };
  });

  it('lists every file in migrations/, named <timestamp>-<VerbNoun>.ts after its class', async () => {
    const files = (await readdir('migrations')).filter((file) => file.endsWith('.ts')).sort();
    expect(entries.map((entry) => entry.file).sort()).toEqual(files);
  });

  it('is in timestamp order, with no timestamp in the future (a later generated one would run first)', () => {
    const timestamps = entries.map((entry) => entry.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    for (const timestamp of timestamps) expect(timestamp).toBeLessThanOrEqual(Date.now());
  });
});
