/**
 * The request's path, without the query string: a query is where a link's one-time token would
 * be (a password reset, an email verification), so no log line holds one.
 */
export function requestPath(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
