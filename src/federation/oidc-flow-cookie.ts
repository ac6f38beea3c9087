import type { FastifyReply, FastifyRequest } from 'fastify';

export const FLOW_COOKIE = 'oidc_flow';

/**
 * The browser's handle on its flow: HttpOnly, sent only to `/auth/oidc` routes, and
 * SameSite=Lax because the provider's redirect back is a cross-site top-level navigation, which
 * a Strict cookie would miss. It names the flow; the flow itself is in `oidc_flows`.
 */
const options = (secure: boolean) =>
  ({ httpOnly: true, sameSite: 'lax', path: '/auth/oidc', secure }) as const;

export function setFlowCookie(reply: FastifyReply, secret: string, secure: boolean): void {
  reply.setCookie(FLOW_COOKIE, secret, { ...options(secure), maxAge: 600 });
}

export function clearFlowCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(FLOW_COOKIE, options(secure));
}

export function flowCookie(request: FastifyRequest): string | undefined {
  return request.cookies?.[FLOW_COOKIE];
}

/** The request's own origin, as TRUST_PROXY lets Fastify read it (the callback URL's base). */
export const requestOrigin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
