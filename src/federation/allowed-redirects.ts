/**
 * Where a flow may send the browser back to: a path among OIDC_ALLOWED_REDIRECTS' paths, or any
 * URL on one of its origins. Anything else (another host, `//host`, `javascript:`, a user-info
 * trick) is refused, so the callback cannot be turned into an open redirect that hands a
 * sign-in code to a stranger.
 */
export function allowedReturnTo(value: string | undefined, allowed: string[]): string | null {
  if (value === undefined) {
    const first = allowed[0];
    return first?.startsWith('/') ? first : first ? `${first}/` : null;
  }
  if (value.startsWith('/')) {
    if (value.startsWith('//') || value.includes('\\')) return null;
    const url = new URL(value, 'http://relative.invalid');
    if (url.origin !== 'http://relative.invalid') return null;
    return allowed.includes(url.pathname) ? `${url.pathname}${url.search}` : null;
  }
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) return null;
  return allowed.some((entry) => !entry.startsWith('/') && entry.toLowerCase() === url.origin)
    ? url.href
    : null;
}

/** `returnTo` with `params` in its query (a relative path stays relative). */
export function withParams(returnTo: string, params: Record<string, string>): string {
  const relative = returnTo.startsWith('/');
  const url = new URL(returnTo, 'http://relative.invalid');
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return relative ? `${url.pathname}${url.search}${url.hash}` : url.href;
}
