/**
 * Wraps an async function so that calls made while one is running share its promise: fifty
 * requests that find the access token expired cause one refresh, not fifty.
 */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= run().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
