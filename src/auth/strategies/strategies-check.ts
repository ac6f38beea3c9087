import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { securityConfig } from '../../config/security.config.js';
import { StrategyRegistrations } from './strategy-registrations.js';

/**
 * Stops the start when AUTH_STRATEGIES names a strategy no module registered (a typo, a module
 * not imported): otherwise every protected request would fail with Passport's "Unknown
 * authentication strategy". Strategies register themselves when Nest builds them, before this.
 */
@Injectable()
export class StrategiesCheck implements OnApplicationBootstrap {
  constructor(
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  onApplicationBootstrap(): void {
    const unknown = this.config.authStrategies.filter((name) => !StrategyRegistrations.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `Invalid configuration: AUTH_STRATEGIES names ${unknown.join(', ')}, which no module ` +
          'registers (a PassportStrategy provider with that name)',
      );
    }
  }
}
