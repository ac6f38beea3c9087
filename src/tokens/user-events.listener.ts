import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvent, type UserEventPayload } from '../users/user-events.js';
import { SessionsService } from './sessions.service.js';

/** Ends sessions when their account changes in a way that must sign the user out. */
@Injectable()
export class UserEventsListener {
  constructor(private readonly sessions: SessionsService) {}

  @OnEvent(UserEvent.PasswordChanged, { promisify: true, suppressErrors: false })
  async passwordChanged({ userId, keepSessionId }: UserEventPayload): Promise<void> {
    await this.sessions.revokeAllOfUser(userId, 'password_changed', keepSessionId);
  }

  @OnEvent(UserEvent.Disabled, { promisify: true, suppressErrors: false })
  async disabled({ userId }: UserEventPayload): Promise<void> {
    await this.sessions.revokeAllOfUser(userId, 'user_disabled');
  }

  @OnEvent(UserEvent.RolesChanged, { promisify: true, suppressErrors: false })
  async rolesChanged({ userId }: UserEventPayload): Promise<void> {
    await this.sessions.revokeAllOfUser(userId, 'roles_changed');
  }

  @OnEvent(UserEvent.Deleting, { promisify: true, suppressErrors: false })
  async deleting({ userId }: UserEventPayload): Promise<void> {
    await this.sessions.revokeAllOfUser(userId, 'user_deleted');
  }
}
