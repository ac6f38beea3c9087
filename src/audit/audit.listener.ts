import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuthEvent, type LoginEventPayload } from '../auth/auth-events.js';
import { MfaEvent, type MfaEventPayload } from '../auth/mfa/mfa-events.js';
import {
  TokenEvent,
  type SessionEventPayload,
  type SessionsRevokedPayload,
} from '../tokens/token-events.js';
import { ClientsEvent, type ClientsEventPayload } from '../clients/clients-events.js';
import { FederationEvent, type FederationEventPayload } from '../federation/federation-events.js';
import { UserEvent, type UserEventPayload } from '../users/user-events.js';
import type { AuditEventType } from './audit-event-type.js';
import { AuditService } from './audit.service.js';

/**
 * Turns the events the other modules emit into audit rows.
 *
 * Every handler is synchronous and only *starts* the write (`AuditService.record` never awaits,
 * throws or rejects). That matters for the user events: `UsersService` awaits all their listeners
 * with `emitAsync` so that sessions are revoked before the response, and a handler that returned
 * the insert's promise would add the insert to every password change, role change and deletion,
 * and fail them when it failed. Not awaiting in our own code, rather than `@OnEvent`'s
 * `{ async: true }`, keeps that guarantee visible here and lets `AuditService` wait for writes in
 * flight at shutdown.
 */
@Injectable()
export class AuditListener {
  constructor(private readonly audit: AuditService) {}

  @OnEvent(AuthEvent.LoginSucceeded)
  loginSucceeded(event: LoginEventPayload): void {
    this.login('login_succeeded', event, { sessionId: event.sessionId });
  }

  @OnEvent(AuthEvent.LoginFailed)
  loginFailed(event: LoginEventPayload): void {
    this.login('login_failed', event);
  }

  @OnEvent(AuthEvent.LockedOut)
  lockedOut(event: LoginEventPayload): void {
    this.login('login_locked_out', event, { lockedUntil: event.lockedUntil });
  }

  @OnEvent(AuthEvent.AccountLockedOut)
  accountLockedOut(event: LoginEventPayload): void {
    this.login('account_locked_out', event, { lockedUntil: event.lockedUntil });
  }

  @OnEvent(AuthEvent.LoginRefusedLocked)
  loginRefusedLocked(event: LoginEventPayload): void {
    this.login('login_refused_locked', event, { lockedUntil: event.lockedUntil });
  }

  /** Nobody can tell the thief from the owner here, so there is no actor. */
  @OnEvent(TokenEvent.RefreshReused)
  refreshReused({ userId, sessionId, client }: SessionEventPayload): void {
    this.audit.record({ type: 'refresh_token_reused', userId, client, details: { sessionId } });
  }

  /** Signing out (one session or all) reads as `logout`; any other ending as `sessions_revoked`. */
  @OnEvent(TokenEvent.SessionsRevoked)
  sessionsRevoked({ userId, actorId, client, sessionIds, reason }: SessionsRevokedPayload): void {
    const type = reason === 'logout' || reason === 'logout_all' ? 'logout' : 'sessions_revoked';
    this.audit.record({ type, userId, actorId, client, details: { sessionIds, reason } });
  }

  @OnEvent(UserEvent.PasswordChanged)
  passwordChanged(event: UserEventPayload): void {
    this.account('password_changed', event);
  }

  @OnEvent(UserEvent.Disabled)
  disabled(event: UserEventPayload): void {
    this.account('user_disabled', event);
  }

  @OnEvent(UserEvent.RolesChanged)
  rolesChanged(event: UserEventPayload): void {
    this.account('roles_changed', event);
  }

  @OnEvent(UserEvent.Deleting)
  deleting(event: UserEventPayload): void {
    this.account('user_deleted', event);
  }

  @OnEvent(UserEvent.PasswordReset)
  passwordReset(event: UserEventPayload): void {
    this.account('password_reset', event);
  }

  @OnEvent(UserEvent.EmailChanged)
  emailChanged(event: UserEventPayload): void {
    this.account('email_changed', event);
  }

  @OnEvent(UserEvent.EmailVerified)
  emailVerified(event: UserEventPayload): void {
    this.account('email_verified', event);
  }

  @OnEvent(FederationEvent.OidcLogin)
  oidcLogin(event: FederationEventPayload): void {
    this.federation('oidc_login', event);
  }

  /** The reason (state, nonce, signature…) is here only: the browser was told `error=…`. */
  @OnEvent(FederationEvent.OidcLoginFailed)
  oidcLoginFailed(event: FederationEventPayload): void {
    this.federation('oidc_login_failed', event);
  }

  @OnEvent(FederationEvent.IdentityLinked)
  identityLinked(event: FederationEventPayload): void {
    this.federation('identity_linked', event);
  }

  @OnEvent(FederationEvent.IdentityUnlinked)
  identityUnlinked(event: FederationEventPayload): void {
    this.federation('identity_unlinked', event);
  }

  @OnEvent(ClientsEvent.ApiKeyCreated)
  apiKeyCreated(event: ClientsEventPayload): void {
    this.account('api_key_created', event);
  }

  @OnEvent(ClientsEvent.ApiKeyDeleted)
  apiKeyDeleted(event: ClientsEventPayload): void {
    this.account('api_key_deleted', event);
  }

  @OnEvent(ClientsEvent.ClientCreated)
  clientCreated(event: ClientsEventPayload): void {
    this.account('client_created', event);
  }

  @OnEvent(ClientsEvent.ClientDeleted)
  clientDeleted(event: ClientsEventPayload): void {
    this.account('client_deleted', event);
  }

  @OnEvent(ClientsEvent.ClientSecretRotated)
  clientSecretRotated(event: ClientsEventPayload): void {
    this.account('client_secret_rotated', event);
  }

  @OnEvent(MfaEvent.Enrolled)
  mfaEnrolled(event: MfaEventPayload): void {
    this.mfa('mfa_enrolled', event);
  }

  @OnEvent(MfaEvent.Removed)
  mfaRemoved(event: MfaEventPayload): void {
    this.mfa('mfa_removed', event);
  }

  @OnEvent(MfaEvent.RecoveryCodesRegenerated)
  recoveryCodesRegenerated(event: MfaEventPayload): void {
    this.mfa('recovery_codes_regenerated', event);
  }

  @OnEvent(MfaEvent.LoginSucceeded)
  mfaLoginSucceeded(event: MfaEventPayload): void {
    this.mfa('mfa_login_succeeded', event);
  }

  /** A right password and a wrong second factor: nobody proven, so no actor. */
  @OnEvent(MfaEvent.LoginFailed)
  mfaLoginFailed(event: MfaEventPayload): void {
    this.mfa('mfa_login_failed', event);
  }

  @OnEvent(MfaEvent.Reset)
  mfaReset(event: MfaEventPayload): void {
    this.mfa('mfa_reset', event);
  }

  @OnEvent(MfaEvent.PasskeyRegistered)
  passkeyRegistered(event: MfaEventPayload): void {
    this.mfa('passkey_registered', event);
  }

  @OnEvent(MfaEvent.PasskeyRemoved)
  passkeyRemoved(event: MfaEventPayload): void {
    this.mfa('passkey_removed', event);
  }

  @OnEvent(MfaEvent.PasskeyLoginSucceeded)
  passkeyLoginSucceeded(event: MfaEventPayload): void {
    this.mfa('passkey_login_succeeded', event);
  }

  /** A passkey that did not verify, for a known account (an unknown credential names nobody). */
  @OnEvent(MfaEvent.PasskeyLoginFailed)
  passkeyLoginFailed(event: MfaEventPayload): void {
    this.mfa('passkey_login_failed', event);
  }

  @OnEvent(MfaEvent.PasskeyCloneDetected)
  passkeyCloneDetected(event: MfaEventPayload): void {
    this.mfa('passkey_clone_detected', event);
  }

  /**
   * The email as typed (normalized) is the point of a sign-in record, also for an unknown
   * account; the password never is. A failure names no account, so the subject is found by that
   * email when the row is written. Whoever signs in successfully is also the actor.
   */
  private login(
    type: AuditEventType,
    { email, userId, client }: LoginEventPayload,
    extra: Record<string, unknown> = {},
  ): void {
    this.audit.record({
      type,
      userId,
      subjectEmail: email,
      actorId: type === 'login_succeeded' ? userId : null,
      client,
      details: { email, ...extra },
    });
  }

  private account(
    type: AuditEventType,
    { userId, actorId, client, details }: UserEventPayload | ClientsEventPayload,
  ): void {
    this.audit.record({ type, userId, actorId, client, details });
  }

  private mfa(
    type: AuditEventType,
    { userId, actorId, client, method, details }: MfaEventPayload,
  ): void {
    this.audit.record({
      type,
      userId,
      actorId,
      client,
      details: { ...(method && { method }), ...details },
    });
  }

  private federation(
    type: AuditEventType,
    { provider, userId, actorId, client, details }: FederationEventPayload,
  ): void {
    this.audit.record({ type, userId, actorId, client, details: { provider, ...details } });
  }
}
