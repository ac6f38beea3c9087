import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config.js';
import { UsersService } from './users.service.js';

/** Creates BOOTSTRAP_ADMIN_EMAIL as an admin on start when no account has that email. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    if (await this.users.createIfAbsent(admin.email, admin.password, ['user', 'admin'])) {
      this.logger.log(`Created the bootstrap administrator ${admin.email}`);
    }
  }
}
