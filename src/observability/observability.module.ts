import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { appConfig } from '../config/app.config.js';
import { securityConfig } from '../config/security.config.js';
import { AuthMetricsListener } from './auth-metrics.listener.js';
import { HttpMetricsHook } from './http-metrics.hook.js';
import { MailMetricsListener } from './mail-metrics.listener.js';
import { createLoggerParams } from './logger-params.js';
import { MetricsServer } from './metrics-server.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

export interface ObservabilityOptions {
  /** Where the JSON log lines go instead of standard output (the tests read them). */
  logDestination?: DestinationStream;
}

/**
 * Structured logs (nestjs-pino) and, unless METRICS_ENABLED=false, Prometheus metrics: on the
 * API's port, or on METRICS_PORT alone.
 */
@Module({})
export class ObservabilityModule {
  /** Called when the app is created, after the environment has been validated. */
  static register({ logDestination }: ObservabilityOptions = {}): DynamicModule {
    // Whether the route exists at all is decided here: disabled means 404, not an empty page.
    const { metricsEnabled, metricsPort } = securityConfig();
    // On its own port, /metrics is not a route of the API at all.
    const separatePort = metricsPort !== undefined;
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (app: ConfigType<typeof appConfig>) =>
            createLoggerParams({
              level: app.logLevel,
              pretty: app.nodeEnv === 'development',
              destination: logDestination,
            }),
        }),
      ],
      controllers: metricsEnabled && !separatePort ? [MetricsController] : [],
      providers: metricsEnabled
        ? [
            MetricsService,
            AuthMetricsListener,
            MailMetricsListener,
            HttpMetricsHook,
            ...(separatePort ? [MetricsServer] : []),
          ]
        : [],
    };
  }
}
