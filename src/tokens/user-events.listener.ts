import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvent, type UserEventPayload } from '../users/user-events.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionsService } from './sessions.service.js';

/** Ends sessions when their account changes in a way that must sign the user out. */
@Injectable()
export class UserEventsListener {
  constructor(
    private readonly sessions: SessionsService,
    private readonly revocations: SessionRevocations,
  ) {}

  /** The session changing the password stays valid under the new security stamp. */
  @OnEvent(UserEvent.PasswordChanging, { promisify: true, suppressErrors: false })
  async passwordChanging({
    userId,
    keepSessionId,
    sessionsValidAfter,
  }: UserEventPayload): Promise<void> {
    if (keepSessionId && sessionsValidAfter) {
      await this.sessions.restamp(userId, keepSessionId, sessionsValidAfter);
    }
  }

  @OnEvent(UserEvent.PasswordChanged, { promisify: true, suppressErrors: false })
  async passwordChanged({
    userId,
    actorId,
    client,
    keepSessionId,
  }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'password_changed', {
      exceptSessionId: keepSessionId,
      actorId,
      client,
    });
  }

  @OnEvent(UserEvent.Disabled, { promisify: true, suppressErrors: false })
  async disabled({ userId, actorId, client }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'user_disabled', { actorId, client });
  }

  @OnEvent(UserEvent.RolesChanged, { promisify: true, suppressErrors: false })
  async rolesChanged({ userId, actorId, client }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'roles_changed', { actorId, client });
  }

  /** Within the reset's transaction: whoever held the old password is signed out with it. */
  @OnEvent(UserEvent.PasswordReset, { promisify: true, suppressErrors: false })
  async passwordReset({ userId, actorId, client, manager }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'password_reset', { actorId, client, manager });
  }

  /** Within the change's transaction; the session that asked for the change stays. */
  @OnEvent(UserEvent.EmailChanged, { promisify: true, suppressErrors: false })
  async emailChanged({
    userId,
    actorId,
    client,
    manager,
    keepSessionId,
  }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'email_changed', {
      exceptSessionId: keepSessionId,
      actorId,
      client,
      manager,
    });
  }

  @OnEvent(UserEvent.Deleting, { promisify: true, suppressErrors: false })
  async deleting({ userId, actorId, client, manager }: UserEventPayload): Promise<void> {
    await this.revocations.revokeAllOfUser(userId, 'user_deleted', { actorId, client, manager });
  }
}
