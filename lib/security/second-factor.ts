// The /verify steps of a signed-in session: re-verifying with the password (session expiration
// or idle timeout), the authenticator code or a recovery code, and enrolling an authenticator app
// when the policy requires one. Each checks that the session is at that step, throttles attempts,
// and audits success and failure with the factor used.
import type { Db } from '../db/client';
import { isVerified, type Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { verifyPassword } from '../auth/password';
import { DomainError } from '../result';
import { rotateSession } from '../auth/sessions';
import { acceptTotpCode, CODE_MESSAGES, confirmAuthenticator, ensurePendingAuthenticator, passSecondFactor } from './authenticator';
import { spendRecoveryCode } from './recovery-codes';
import { throttle } from './throttle';

type StepContext = { ip?: string | null; audit: AuditContext };

const audited = (viewer: Viewer, action: string, method: string) =>
  ({ action, targetType: 'user', targetId: viewer.userId, targetUserId: viewer.userId, after: { method } }) as const;

/**
 * Session expiration / idle timeout: the password again. The session's verification restarts
 * (verifiedAt = now, second factor to present again) under a new session id, returned for the
 * cookie. Throttled with the sign-in counters.
 */
export async function reverifyPassword(db: Db, viewer: Viewer, password: string, context: StepContext, now = new Date()): Promise<{ sessionId: string }> {
  if (viewer.verification !== 'NEEDS_REAUTH') throw new DomainError('REFUSED', 'Your session doesn’t need to be verified again right now.');
  await throttle(db, 'password', { account: viewer.email, ip: context.ip }, now);
  const user = await db.user.findUnique({ where: { id: viewer.userId }, select: { passwordHash: true, active: true } });
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user?.active || !valid) {
    await writeAudit(db, context.audit, audited(viewer, 'security.reverify.failed', 'PASSWORD'));
    throw new DomainError('INVALID_INPUT', 'Incorrect password.', { password: 'Incorrect password.' });
  }
  return db.$transaction(async (tx) => {
    const sessionId = await rotateSession(tx, viewer.sessionId, { verifiedAt: now, secondFactorAt: null }, now);
    await writeAudit(tx, context.audit, audited(viewer, 'security.reverified', 'PASSWORD'));
    return { sessionId };
  });
}

/** The authenticator step: a code from the app, or one of the recovery codes. Returns the session's new id (for the cookie). */
export async function passAuthenticatorStep(
  db: Db,
  viewer: Viewer,
  input: { kind: 'totp' | 'recovery'; code: string },
  context: StepContext,
  now = new Date(),
): Promise<{ sessionId: string; recoveryCodesLeft?: number }> {
  if (viewer.verification !== 'NEEDS_2SV' || viewer.secondFactor !== 'TOTP') {
    throw new DomainError('REFUSED', 'Your session doesn’t need an authenticator code right now.');
  }
  await throttle(db, 'verify', { account: viewer.userId, ip: context.ip }, now);
  const method = input.kind === 'totp' ? 'TOTP' : 'RECOVERY_CODE';
  let failure: string | null = null;
  if (input.kind === 'totp') {
    const check = await acceptTotpCode(db, viewer.userId, input.code, now);
    if (check.result !== 'OK') failure = CODE_MESSAGES[check.result];
  } else if (!(await spendRecoveryCode(db, viewer.userId, input.code, now))) {
    failure = 'That recovery code didn’t work. Each code works once; check for typos.';
  }
  if (failure) {
    await writeAudit(db, context.audit, audited(viewer, 'security.2sv.failed', method));
    throw new DomainError('INVALID_INPUT', failure, { code: failure });
  }
  const sessionId = await db.$transaction(async (tx) => {
    const renewed = await passSecondFactor(tx, viewer.sessionId, now);
    await writeAudit(tx, context.audit, audited(viewer, 'security.2sv.verified', method));
    return renewed;
  });
  if (input.kind === 'recovery') return { sessionId, recoveryCodesLeft: await db.recoveryCode.count({ where: { userId: viewer.userId, usedAt: null } }) };
  return { sessionId };
}

const ALREADY_SET_UP = 'An authenticator app is already set up for your account.';

/** /verify/enroll's "Get a setup key": the pending secret, made by this POST (the page only reads it). */
export async function startRequiredEnrollment(db: Db, viewer: Viewer, now = new Date()) {
  if (viewer.verification !== 'NEEDS_ENROLLMENT') throw new DomainError('REFUSED', 'Your session doesn’t need to set up an authenticator app right now.');
  if (!(await ensurePendingAuthenticator(db, { userId: viewer.userId, email: viewer.email }, now))) throw new DomainError('CONFLICT', ALREADY_SET_UP);
}

/** Account settings' "Get a setup key" (anyone, once fully verified). */
export async function startOwnEnrollment(db: Db, viewer: Viewer, now = new Date()) {
  if (!isVerified(viewer)) throw new DomainError('REFUSED', 'Verify your identity first.');
  if (!(await ensurePendingAuthenticator(db, { userId: viewer.userId, email: viewer.email }, now))) throw new DomainError('CONFLICT', ALREADY_SET_UP);
}

/** "Authenticator app required" and none set up yet: confirm the new app with a code from it. */
export async function confirmRequiredEnrollment(db: Db, viewer: Viewer, code: string, context: StepContext, now = new Date()) {
  if (viewer.verification !== 'NEEDS_ENROLLMENT') throw new DomainError('REFUSED', 'Your session doesn’t need to set up an authenticator app right now.');
  await throttle(db, 'verify', { account: viewer.userId, ip: context.ip }, now);
  return confirmAuthenticator(db, viewer, code, context.audit, now);
}

/**
 * Account settings: turn on an authenticator app (anyone, internal users too). The session must be
 * fully verified, and the password is asked again before the factor changes (ASVS 7.5.1).
 */
export async function confirmOwnEnrollment(db: Db, viewer: Viewer, input: { code: string; password: string }, context: StepContext, now = new Date()) {
  if (!isVerified(viewer)) throw new DomainError('REFUSED', 'Verify your identity first.');
  await throttle(db, 'password', { account: viewer.email, ip: context.ip }, now);
  const user = await db.user.findUnique({ where: { id: viewer.userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(user?.passwordHash, input.password))) {
    throw new DomainError('INVALID_INPUT', 'Incorrect password.', { password: 'Incorrect password.' });
  }
  await throttle(db, 'verify', { account: viewer.userId, ip: context.ip }, now);
  return confirmAuthenticator(db, viewer, input.code, context.audit, now);
}
