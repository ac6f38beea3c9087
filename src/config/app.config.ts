import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const appConfig = registerAs('app', () => {
  const env = validateEnv(process.env);
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    /** After SIGTERM, how long idle keep-alive connections are left to the load balancer. */
    shutdownIdleGraceMs: env.SHUTDOWN_IDLE_GRACE * 1000,
    bootstrapAdmin:
      env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
  };
});
