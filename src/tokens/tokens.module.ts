import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { jwtConfig } from '../config/jwt.config.js';
import { AccessTokenService } from './access-token.service.js';
import { SigningKeys } from './signing-keys.js';

@Module({
  imports: [JwtModule.register({})],
  providers: [
    {
      provide: SigningKeys,
      inject: [jwtConfig.KEY],
      useFactory: (config: ConfigType<typeof jwtConfig>) =>
        SigningKeys.load({ secret: config.secret, dataDir: config.dataDir }),
    },
    AccessTokenService,
  ],
  exports: [AccessTokenService],
})
export class TokensModule {}
