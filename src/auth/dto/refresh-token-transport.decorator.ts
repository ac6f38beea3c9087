import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `cookie`: the refresh token travels only in the HttpOnly cookie, never in a response body. */
export const REFRESH_TOKEN_TRANSPORTS = ['cookie'] as const;
export type RefreshTokenTransport = (typeof REFRESH_TOKEN_TRANSPORTS)[number];

/**
 * Lets a browser ask that the refresh token stay out of the body, so no script on the page ever
 * sees it (the cookie is HttpOnly). Omitted: the body carries it too, for clients without cookies.
 */
export const RefreshTokenTransportField = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: REFRESH_TOKEN_TRANSPORTS,
      description:
        '`cookie`: the response body carries no `refreshToken`; it is only in the HttpOnly ' +
        '`refresh_token` cookie (browsers). Omitted: in the body and the cookie.',
    }),
    IsOptional(),
    IsIn(REFRESH_TOKEN_TRANSPORTS),
  );
