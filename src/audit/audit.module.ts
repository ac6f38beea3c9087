import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEvent } from './audit-event.entity.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditListener } from './audit.listener.js';
import { AuditService } from './audit.service.js';

/** Records security events from `auth`, `tokens` and `users` and lists them for administrators. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditEventsController],
  providers: [AuditService, AuditListener],
})
export class AuditModule {}
