import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TokensModule } from '../tokens/tokens.module.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TokensModule],
  controllers: [HealthController],
})
export class HealthModule {}
