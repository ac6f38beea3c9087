import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RefreshTokenTransport } from './dto/refresh-token-transport.decorator.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';

export const REFRESH_COOKIE = 'refresh_token';

/**
 * The refresh token as a cookie the page's scripts cannot read (HttpOnly), sent only to
 * `/auth` routes and never cross-site (SameSite=Strict), over HTTPS unless COOKIE_SECURE=false.
 */
export function setRefreshCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
  secure: boolean,
): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/auth',
    secure,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/auth', secure });
}

export function refreshCookie(request: FastifyRequest): string | undefined {
  return request.cookies?.[REFRESH_COOKIE];
}

/**
 * A sign-in's answer: sets the cookie and returns the body; with the `cookie` transport the body
 * keeps no copy of the refresh token. Every route that signs in answers through this.
 */
export function withRefreshCookie(
  reply: FastifyReply,
  tokens: TokenResponseDto,
  secure: boolean,
  transport?: RefreshTokenTransport,
): TokenResponseDto {
  setRefreshCookie(reply, tokens.refreshToken, tokens.refreshExpiresAt, secure);
  if (transport !== 'cookie') return tokens;
  const { refreshToken: _kept, ...body } = tokens;
  return body as TokenResponseDto;
}
