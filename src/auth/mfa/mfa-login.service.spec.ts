import { jest } from '@jest/globals';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuthService } from '../auth.service.js';
import type { PasskeyAuthenticationService } from '../passkeys/passkey-authentication.service.js';
import { MfaLoginService } from './mfa-login.service.js';
import type { ClaimedSignIn, MfaTokensService } from './mfa-tokens.service.js';
import type { RecoveryCodesService } from './recovery-codes.service.js';
import type { TotpService } from './totp.service.js';

const client = { ip: '127.0.0.1', userAgent: 'jest' };

/** The service over fakes: one mfaToken, which one step at a time can hold. */
function setUp() {
  const pending: ClaimedSignIn = {
    userId: 'user-1',
    email: 'ada@example.com',
    sessionsValidAfter: new Date(0),
    roles: ['user'],
    token: 'the-token',
    expiresAt: new Date(Date.now() + 60_000),
  };
  let held: ClaimedSignIn | undefined = pending;
  const mfaTokens = {
    claim: jest.fn(async () => {
      const claimed = held;
      held = undefined;
      return claimed;
    }),
    restore: jest.fn(async (claimed: ClaimedSignIn) => {
      held = claimed;
    }),
  };
  const recoveryCodes = { consume: jest.fn(async () => true) };
  const totp = { verify: jest.fn(async () => true) };
  const auth = {
    countedAttempt: jest.fn((_email: string, _client: unknown, check: () => Promise<boolean>) =>
      check(),
    ),
    signIn: jest.fn(async () => ({ accessToken: 'at' })),
  };
  const service = new MfaLoginService(
    auth as unknown as AuthService,
    mfaTokens as unknown as MfaTokensService,
    totp as unknown as TotpService,
    recoveryCodes as unknown as RecoveryCodesService,
    {} as PasskeyAuthenticationService,
    { emit: jest.fn() } as unknown as EventEmitter2,
  );
  return { service, mfaTokens, recoveryCodes, totp, auth, isHeld: () => held !== undefined };
}

describe('MfaLoginService.complete', () => {
  it('spends no recovery code in a step that finds the mfaToken taken by another', async () => {
    const { service, recoveryCodes, totp } = setUp();
    const winner = await service.complete({ mfaToken: 'the-token', code: '123456' }, client);
    expect(winner).toEqual({ accessToken: 'at' });
    await expect(
      service.complete({ mfaToken: 'the-token', recoveryCode: 'abcde-fghjk' }, client),
    ).rejects.toMatchObject({ response: { code: 'invalid_mfa_token' } });
    expect(totp.verify).toHaveBeenCalledTimes(1);
    expect(recoveryCodes.consume).not.toHaveBeenCalled();
  });

  it('gives the mfaToken back after a wrong code, so the user may type again', async () => {
    const { service, totp, mfaTokens, isHeld } = setUp();
    totp.verify.mockResolvedValueOnce(false);
    await expect(
      service.complete({ mfaToken: 'the-token', code: '000000' }, client),
    ).rejects.toMatchObject({ response: { code: 'invalid_mfa_code' } });
    expect(mfaTokens.restore).toHaveBeenCalledTimes(1);
    expect(isHeld()).toBe(true);
    await expect(
      service.complete({ mfaToken: 'the-token', code: '123456' }, client),
    ).resolves.toEqual({ accessToken: 'at' });
    expect(isHeld()).toBe(false);
  });

  it('gives it back when the check throws (a lockout), and claims nothing for a bad body', async () => {
    const { service, auth, mfaTokens, isHeld } = setUp();
    auth.countedAttempt.mockRejectedValueOnce(new Error('locked'));
    await expect(
      service.complete({ mfaToken: 'the-token', recoveryCode: 'abcde-fghjk' }, client),
    ).rejects.toThrow('locked');
    expect(isHeld()).toBe(true);
    await expect(
      service.complete({ mfaToken: 'the-token', code: '123456', webauthn: {} }, client),
    ).rejects.toMatchObject({ response: { code: 'validation_failed' } });
    expect(mfaTokens.claim).toHaveBeenCalledTimes(1);
  });
});
