import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { appConfig } from '../config/app.config.js';
import { createLoggerParams } from './logger-params.js';

export interface ObservabilityOptions {
  /** Where the JSON log lines go instead of standard output (the tests read them). */
  logDestination?: DestinationStream;
}

/** Structured logs (nestjs-pino). */
@Module({})
export class ObservabilityModule {
  /** Called when the app is created, after the environment has been validated. */
  static register({ logDestination }: ObservabilityOptions = {}): DynamicModule {
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
    };
  }
}
