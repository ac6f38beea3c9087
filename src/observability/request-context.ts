import { AsyncLocalStorage } from 'node:async_hooks';

/** The id of the request being handled, wherever its handling goes (awaits included). */
export const requestContext = new AsyncLocalStorage<string>();

/**
 * pino's `mixin`: the `requestId` of the request being handled on every line logged while
 * handling it. One lookup per line, where a child logger per request would cost one on every
 * request, logged or not.
 */
export function requestIdMixin(): { requestId?: string } {
  const requestId = requestContext.getStore();
  // A new object each time: pino merges the line's own fields into it.
  return requestId === undefined ? {} : { requestId };
}
