/**
 * Runs `work` with V8's stack capture off, for errors that are an answer rather than a bug: a
 * forged or expired token is refused with a 401 whose stack nobody reads, and capturing it (in
 * jsonwebtoken's error and in ours) was the costliest part of refusing one. Synchronous only, so
 * no other code runs while the limit is lowered.
 */
export function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
