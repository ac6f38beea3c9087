import type { DataSource } from 'typeorm';

const BATCH_SIZE = 1000;

/**
 * Deletes the rows of `table` that `where` matches, at most 1,000 per statement, so no statement
 * holds its locks for long; returns how many went. `where` may use `$2`, `$3`… for `params`
 * (`$1` is the batch size).
 */
export async function deleteInBatches(
  dataSource: DataSource,
  table: string,
  where: string,
  params: unknown[] = [],
): Promise<number> {
  let total = 0;
  for (;;) {
    const rows: unknown[] = await dataSource.query(
      `WITH gone AS (
         DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT $1)
         RETURNING 1)
       SELECT 1 FROM gone`,
      [BATCH_SIZE, ...params],
    );
    total += rows.length;
    if (rows.length < BATCH_SIZE) return total;
  }
}
