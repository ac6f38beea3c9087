import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { UsersService } from '../users/users.service.js';
import { FederationEvent, type FederationEventPayload } from './federation-events.js';
import { Identity } from './identity.entity.js';

/** The caller's linked identities: list and unlink. */
@Injectable()
export class Identities {
  constructor(
    @InjectRepository(Identity) private readonly identities: Repository<Identity>,
    private readonly users: UsersService,
    private readonly events: EventEmitter2,
  ) {}

  list(userId: string): Promise<Identity[]> {
    return this.identities.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * 404 when it is not the caller's; 409 `last_sign_in_method` when the account has no password
   * and no other identity. The user's row is locked first, so two unlinks of an account's last
   * two identities cannot both pass the count.
   */
  async unlink(userId: string, id: string, client: ClientInfo): Promise<void> {
    const provider = await this.identities.manager.transaction(async (manager) => {
      const account = await this.users.findForProvider(manager, { id: userId });
      const mine = await manager.find(Identity, { where: { userId } });
      const identity = mine.find((candidate) => candidate.id === id);
      if (!account || !identity) {
        throw new NotFoundException({ code: ErrorCode.NotFound, message: 'Identity not found' });
      }
      if (!account.hasPassword && mine.length === 1) {
        throw new ConflictException({
          code: ErrorCode.LastSignInMethod,
          message: 'This is the only way to sign in to the account: add another first',
        });
      }
      await manager.delete(Identity, { id });
      return identity.provider;
    });
    const payload: FederationEventPayload = { provider, userId, actorId: userId, client };
    this.events.emit(FederationEvent.IdentityUnlinked, payload);
  }
}
