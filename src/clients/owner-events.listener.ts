import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvent, type UserEventPayload } from '../users/user-events.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * A key's owner changed: every instance forgets the owner's cached keys, so a demoted owner's
 * keys lose the scopes at once and a disabled or deleted owner's keys are refused at once.
 */
@Injectable()
export class OwnerEventsListener {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @OnEvent(UserEvent.Disabled, { promisify: true, suppressErrors: false })
  async disabled({ userId }: UserEventPayload): Promise<void> {
    await this.apiKeys.ownerChanged(userId);
  }

  @OnEvent(UserEvent.RolesChanged, { promisify: true, suppressErrors: false })
  async rolesChanged({ userId }: UserEventPayload): Promise<void> {
    await this.apiKeys.ownerChanged(userId);
  }

  /** In the deleting transaction (its keys go with the row, by the foreign key). */
  @OnEvent(UserEvent.Deleting, { promisify: true, suppressErrors: false })
  async deleting({ userId, manager }: UserEventPayload): Promise<void> {
    await this.apiKeys.ownerChanged(userId, manager);
  }
}
