import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuthEvent } from '../auth/auth-events.js';
import { TokenEvent, type SessionsRevokedPayload } from '../tokens/token-events.js';
import { MetricsService } from './metrics.service.js';

/** Counts what `auth` and `tokens` announce; it never touches their code paths. */
@Injectable()
export class AuthMetricsListener {
  constructor(private readonly metrics: MetricsService) {}

  @OnEvent(AuthEvent.LoginSucceeded)
  loginSucceeded(): void {
    this.metrics.logins.inc({ outcome: 'success' });
  }

  @OnEvent(AuthEvent.LoginFailed)
  loginFailed(): void {
    this.metrics.logins.inc({ outcome: 'invalid_credentials' });
  }

  @OnEvent(AuthEvent.LoginRefusedLocked)
  loginRefusedLocked(): void {
    this.metrics.logins.inc({ outcome: 'locked' });
  }

  @OnEvent(AuthEvent.LockedOut)
  @OnEvent(AuthEvent.AccountLockedOut)
  lockedOut(): void {
    this.metrics.lockouts.inc();
  }

  @OnEvent(TokenEvent.Refreshed)
  refreshed(): void {
    this.metrics.refreshes.inc({ outcome: 'success' });
  }

  @OnEvent(TokenEvent.RefreshRetried)
  refreshRetried(): void {
    this.metrics.refreshes.inc({ outcome: 'retried' });
  }

  @OnEvent(TokenEvent.RefreshReused)
  refreshReused(): void {
    this.metrics.refreshes.inc({ outcome: 'reuse_detected' });
  }

  @OnEvent(TokenEvent.RefreshRefused)
  refreshRefused(): void {
    this.metrics.refreshes.inc({ outcome: 'refused' });
  }

  @OnEvent(TokenEvent.SessionsRevoked)
  sessionsRevoked({ reason, sessionIds }: SessionsRevokedPayload): void {
    this.metrics.sessionsRevoked.inc({ reason }, sessionIds.length);
  }
}
