/**
 * A module imported at its first use, once, instead of at start: for libraries only a few
 * requests need. The passkey and TOTP libraries loaded so saved 3.5 MB of a `start:prod`
 * instance's idle RSS on PostgreSQL (medians of five starts: 143.5 against 147.0 MB), against a
 * peak RSS target of 200 MB that the bench meets by little.
 */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
