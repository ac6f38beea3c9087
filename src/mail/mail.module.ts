import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailOutboxCleanup } from './mail-outbox-cleanup.js';
import { MailOutboxEntry } from './mail-outbox.entity.js';
import { MailOutboxWorker } from './mail-outbox.worker.js';
import { MailService } from './mail.service.js';

/** Mail through a transactional outbox: `MailService.enqueue` inside the caller's transaction. */
@Module({
  imports: [TypeOrmModule.forFeature([MailOutboxEntry])],
  providers: [MailService, MailOutboxWorker, MailOutboxCleanup],
  exports: [MailService],
})
export class MailModule {}
