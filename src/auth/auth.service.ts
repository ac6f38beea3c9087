import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { UsersService } from '../users/users.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
  ) {}

  /** Unknown email, wrong password and disabled account are one indistinguishable answer. */
  async login({ email, password }: LoginDto): Promise<TokenResponseDto> {
    const user = await this.users.authenticate(email, password);
    if (!user) {
      throw new UnauthorizedException({
        code: ErrorCode.InvalidCredentials,
        message: 'Invalid email or password',
      });
    }
    const { token, expiresIn } = this.accessTokens.issue(user);
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  }
}
