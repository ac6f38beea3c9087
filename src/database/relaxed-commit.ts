/**
 * A CTE that makes the statement's own (implicit) transaction commit without waiting for its WAL
 * to reach disk: `set_config(..., true)` is `SET LOCAL`, in force until that transaction ends.
 * For writes whose loss in a database crash costs little next to what the wait costs every
 * request: a commit that waits for the WAL flush was about a third of PostgreSQL's CPU per
 * sign-in. Atomicity, isolation and visibility to other sessions are unchanged; a crash of the
 * database server (not of the app) may forget the last few hundred milliseconds of such writes.
 * https://www.postgresql.org/docs/current/wal-async-commit.html
 *
 * Use: `WITH ${RELAXED_COMMIT} INSERT … SELECT … FROM relaxed_commit`, so the CTE is evaluated.
 */
export const RELAXED_COMMIT = `relaxed_commit AS (
  SELECT set_config('synchronous_commit', 'off', true) AS synchronous_commit)`;
