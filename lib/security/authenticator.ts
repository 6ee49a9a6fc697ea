// Authenticator apps (TOTP): enrollment, codes accepted once, recovery codes, turning off, and the
// admin's reset. The secret is stored sealed (lib/security/crypto.ts); a code is accepted by a
// conditional UPDATE … WHERE "lastUsedStep" < step, so a replay — even a concurrent one — fails.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { AccessDenied, assertCan, type Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { DomainError } from '../result';
import { rotateSession } from '../auth/sessions';
import { open, seal } from './crypto';
import { newRecoveryCodes, storeRecoveryCodes, unusedRecoveryCodes } from './recovery-codes';
import { formatManualKey, generateTotpSecret, matchTotp, normalizeTotpCode, otpauthUri } from './totp';

export const AUTHENTICATOR_ISSUER = 'Portico';

export type Enrollment = { manualKey: string; uri: string; account: string; issuer: string };

function enrollmentOf(secret: Buffer, email: string): Enrollment {
  return {
    manualKey: formatManualKey(secret),
    uri: otpauthUri({ issuer: AUTHENTICATOR_ISSUER, account: email, secret }),
    account: email,
    issuer: AUTHENTICATOR_ISSUER,
  };
}

export type PendingAuthenticator = { state: 'NONE' } | { state: 'CONFIRMED' } | { state: 'PENDING'; enrollment: Enrollment };

/**
 * What the setup pages show, read only (a GET creates nothing): the pending secret's setup
 * details, or NONE (the page offers "Get a setup key", which calls ensurePendingAuthenticator), or
 * CONFIRMED. A pending secret sealed under an older AUTH_SECRET counts as none.
 */
export async function pendingAuthenticator(db: Db, user: { userId: string; email: string }): Promise<PendingAuthenticator> {
  const existing = await db.authenticatorSecret.findUnique({ where: { userId: user.userId } });
  if (!existing) return { state: 'NONE' };
  if (existing.confirmedAt) return { state: 'CONFIRMED' };
  try {
    return { state: 'PENDING', enrollment: enrollmentOf(open(existing.secret, user.userId), user.email) };
  } catch {
    return { state: 'NONE' };
  }
}

/** The pending (not yet confirmed) secret's setup details, creating the secret if there is none; null once confirmed. A POST's work only. */
export async function ensurePendingAuthenticator(db: Db, user: { userId: string; email: string }, now = new Date()): Promise<Enrollment | null> {
  const existing = await db.authenticatorSecret.findUnique({ where: { userId: user.userId } });
  if (existing?.confirmedAt) return null;
  let secret: Buffer | null = null;
  if (existing) {
    try {
      secret = open(existing.secret, user.userId);
    } catch {
      secret = null; // sealed under an older AUTH_SECRET: start over with a new one
    }
  }
  if (!secret) {
    const fresh = generateTotpSecret();
    const sealed = seal(fresh, user.userId);
    if (existing) {
      await db.authenticatorSecret.updateMany({ where: { userId: user.userId, confirmedAt: null }, data: { secret: sealed, lastUsedStep: 0, createdAt: now } });
    } else {
      // Two tabs at once: one insert wins, and both show the secret that was stored.
      await db.authenticatorSecret.createMany({ data: [{ userId: user.userId, secret: sealed, createdAt: now }], skipDuplicates: true });
    }
    const stored = await db.authenticatorSecret.findUniqueOrThrow({ where: { userId: user.userId } });
    if (stored.confirmedAt) return null;
    secret = open(stored.secret, user.userId);
  }
  return enrollmentOf(secret, user.email);
}

export type CodeCheck = 'OK' | 'INVALID' | 'REPLAYED' | 'NO_AUTHENTICATOR';

/**
 * Checks a code against the person's authenticator and, when it matches a step after the last
 * accepted one, records that step: the same code (or an older one) never works twice.
 * `pending` checks the not-yet-confirmed secret of an enrollment instead.
 */
export async function acceptTotpCode(
  db: Db | Prisma.TransactionClient,
  userId: string,
  rawCode: string,
  now = new Date(),
  { pending = false }: { pending?: boolean } = {},
): Promise<{ result: CodeCheck; step?: number }> {
  const row = await db.authenticatorSecret.findUnique({ where: { userId } });
  if (!row || (pending ? row.confirmedAt !== null : row.confirmedAt === null)) return { result: 'NO_AUTHENTICATOR' };
  const code = normalizeTotpCode(rawCode);
  if (!code) return { result: 'INVALID' };
  const step = matchTotp(open(row.secret, userId), code, now);
  if (step === null) return { result: 'INVALID' };
  const accepted = await db.authenticatorSecret.updateMany({
    where: { userId, confirmedAt: pending ? null : { not: null }, lastUsedStep: { lt: BigInt(step) } },
    data: { lastUsedStep: BigInt(step), ...(pending ? { confirmedAt: now } : {}) },
  });
  return accepted.count === 1 ? { result: 'OK', step } : { result: 'REPLAYED', step };
}

export const CODE_MESSAGES: Record<Exclude<CodeCheck, 'OK'>, string> = {
  INVALID: 'That code didn’t work. Check the code in your authenticator app and try again.',
  REPLAYED: 'That code was already used. Wait for the next code in your authenticator app.',
  NO_AUTHENTICATOR: 'No authenticator app is set up for your account.',
};

/**
 * The session presented its second factor now: inside the caller's transaction, the session is
 * replaced by a new one (a new id) that has passed it (lib/auth/sessions.ts rotateSession).
 * Returns the new session id.
 */
export async function passSecondFactor(tx: Prisma.TransactionClient, sessionId: string, now = new Date()): Promise<string> {
  return rotateSession(tx, sessionId, { secondFactorAt: now }, now);
}

/**
 * Confirms the pending authenticator with a code from it: from then on it is required at every
 * sign-in. Replaces the recovery codes and returns the new ones (shown once). The session that
 * confirmed counts as having passed the second factor, under a new id (`sessionId`, for the cookie).
 */
export async function confirmAuthenticator(
  db: Db,
  viewer: Viewer,
  rawCode: string,
  audit: AuditContext,
  now = new Date(),
): Promise<{ recoveryCodes: string[]; sessionId: string }> {
  const current = await db.authenticatorSecret.findUnique({ where: { userId: viewer.userId }, select: { confirmedAt: true } });
  if (!current) throw new DomainError('NOT_FOUND', 'Start setting up your authenticator app again: reload the page for a new key.');
  if (current.confirmedAt) throw new DomainError('CONFLICT', 'An authenticator app is already set up for your account.');
  const { codes, hashes } = await newRecoveryCodes();
  return db.$transaction(async (tx) => {
    const check = await acceptTotpCode(tx, viewer.userId, rawCode, now, { pending: true });
    if (check.result !== 'OK') throw new DomainError('INVALID_INPUT', CODE_MESSAGES[check.result], { code: CODE_MESSAGES[check.result] });
    await storeRecoveryCodes(tx, viewer.userId, hashes);
    const sessionId = await passSecondFactor(tx, viewer.sessionId, now);
    await writeAudit(tx, audit, {
      action: 'security.2sv.enrolled',
      targetType: 'user',
      targetId: viewer.userId,
      targetUserId: viewer.userId,
      before: { authenticator: false },
      after: { authenticator: true, recoveryCodes: codes.length },
    });
    return { recoveryCodes: codes, sessionId };
  });
}

/** New recovery codes (the old ones stop working), after a current authenticator code. */
export async function regenerateRecoveryCodes(db: Db, viewer: Viewer, rawCode: string, audit: AuditContext, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const check = await acceptTotpCode(db, viewer.userId, rawCode, now);
  if (check.result !== 'OK') throw new DomainError('INVALID_INPUT', CODE_MESSAGES[check.result], { code: CODE_MESSAGES[check.result] });
  const { codes, hashes } = await newRecoveryCodes();
  await db.$transaction(async (tx) => {
    await storeRecoveryCodes(tx, viewer.userId, hashes);
    await writeAudit(tx, audit, {
      action: 'security.2sv.recovery_codes.regenerated',
      targetType: 'user',
      targetId: viewer.userId,
      targetUserId: viewer.userId,
      after: { recoveryCodes: codes.length },
    });
  });
  return { recoveryCodes: codes };
}

/** Removes the authenticator app and recovery codes of a person (both their own "Turn off" and the admin's reset). */
async function removeAuthenticator(tx: Prisma.TransactionClient, userId: string) {
  const removed = await tx.authenticatorSecret.deleteMany({ where: { userId } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  return removed.count > 0;
}

/**
 * Turns off the viewer's own authenticator app, after a current code from it. Refused while the
 * external-user policy requires an authenticator app of them.
 */
export async function turnOffAuthenticator(db: Db, viewer: Viewer, rawCode: string, audit: AuditContext, now = new Date()): Promise<void> {
  if (await authenticatorRequiredFor(db, viewer)) {
    throw new DomainError('REFUSED', 'Your organization requires external users to use an authenticator app, so you can’t turn it off.');
  }
  const check = await acceptTotpCode(db, viewer.userId, rawCode, now);
  if (check.result !== 'OK') throw new DomainError('INVALID_INPUT', CODE_MESSAGES[check.result], { code: CODE_MESSAGES[check.result] });
  await db.$transaction(async (tx) => {
    await removeAuthenticator(tx, viewer.userId);
    await writeAudit(tx, audit, {
      action: 'security.2sv.disabled',
      targetType: 'user',
      targetId: viewer.userId,
      targetUserId: viewer.userId,
      before: { authenticator: true },
      after: { authenticator: false },
    });
  });
}

/** Whether the external-user policy requires this person to have an authenticator app. */
export async function authenticatorRequiredFor(db: Db, viewer: Viewer): Promise<boolean> {
  if (!viewer.external || !viewer.siteAccess || viewer.siteAccess.suspended) return false;
  const policy = await db.externalUserPolicy.findFirst({ where: { organization: { sites: { some: { id: viewer.site.id } } } }, select: { twoStepMethod: true } });
  return policy?.twoStepMethod === 'TOTP';
}

export type TwoStepStatus = {
  authenticator: 'ON' | 'OFF' | 'SETTING_UP';
  enabledAt: Date | null;
  recoveryCodesLeft: number;
};

/** The viewer's own status (Account settings → Security → Two-step verification). */
export async function ownTwoStepStatus(db: Db, viewer: Viewer): Promise<TwoStepStatus> {
  const row = await db.authenticatorSecret.findUnique({ where: { userId: viewer.userId }, select: { confirmedAt: true } });
  return {
    authenticator: !row ? 'OFF' : row.confirmedAt ? 'ON' : 'SETTING_UP',
    enabledAt: row?.confirmedAt ?? null,
    recoveryCodesLeft: row?.confirmedAt ? await unusedRecoveryCodes(db, viewer.userId) : 0,
  };
}

export type AdminTwoStepStatus = TwoStepStatus & {
  /** Last password verification and last second factor, over the person's sessions. */
  lastVerifiedAt: Date | null;
  lastSecondFactorAt: Date | null;
};

/** A person's two-step verification status, for a site admin (the user's profile). */
export async function twoStepStatusFor(db: Db, viewer: Viewer, userId: string): Promise<AdminTwoStepStatus | null> {
  assertCan(viewer, 'admin.users.view');
  // One statement: the profile page shows this next to everything else about the person.
  const [row] = await db.$queryRaw<
    { onSite: boolean; hasAuthenticator: boolean; confirmedAt: Date | null; codes: bigint; verifiedAt: Date | null; secondFactorAt: Date | null }[]
  >`
    SELECT EXISTS (SELECT 1 FROM "SiteUser" su WHERE su."siteId" = ${viewer.site.id} AND su."userId" = ${userId}) AS "onSite",
      EXISTS (SELECT 1 FROM "AuthenticatorSecret" a WHERE a."userId" = ${userId}) AS "hasAuthenticator",
      (SELECT a."confirmedAt" FROM "AuthenticatorSecret" a WHERE a."userId" = ${userId}) AS "confirmedAt",
      (SELECT count(*) FROM "RecoveryCode" c WHERE c."userId" = ${userId} AND c."usedAt" IS NULL) AS "codes",
      (SELECT max(s."verifiedAt") FROM "Session" s WHERE s."userId" = ${userId}) AS "verifiedAt",
      (SELECT max(s."secondFactorAt") FROM "Session" s WHERE s."userId" = ${userId}) AS "secondFactorAt"`;
  if (!row.onSite) return null;
  return {
    authenticator: !row.hasAuthenticator ? 'OFF' : row.confirmedAt ? 'ON' : 'SETTING_UP',
    enabledAt: row.confirmedAt,
    recoveryCodesLeft: row.confirmedAt ? Number(row.codes) : 0,
    lastVerifiedAt: row.verifiedAt,
    lastSecondFactorAt: row.secondFactorAt,
  };
}

/**
 * A site admin resets someone's two-step verification: their authenticator app and recovery codes
 * are removed (they set it up again when it is required of them), and unused emailed passcodes
 * stop working. Audited as 'security.2sv.reset'.
 */
export async function resetTwoStep(db: Db, viewer: Viewer, userId: string, audit: AuditContext): Promise<{ hadAuthenticator: boolean }> {
  assertCan(viewer, 'admin.security.manage');
  return db.$transaction(async (tx) => {
    const target = await tx.siteUser.findUnique({ where: { siteId_userId: { siteId: viewer.site.id, userId } }, select: { userId: true } });
    if (!target) throw new DomainError('NOT_FOUND', 'That person isn’t on this site.');
    const hadAuthenticator = await removeAuthenticator(tx, userId);
    await tx.emailPasscode.updateMany({ where: { userId, usedAt: null }, data: { expiresAt: new Date(0) } });
    await writeAudit(tx, audit, {
      action: 'security.2sv.reset',
      targetType: 'user',
      targetId: userId,
      targetUserId: userId,
      before: { authenticator: hadAuthenticator },
      after: { authenticator: false },
    });
    return { hadAuthenticator };
  });
}

/** Only the account's owner manages their own authenticator app (a suspended account can't). */
export function canManageOwnTwoStep(viewer: Viewer | null): viewer is Viewer {
  return !!viewer && !viewer.siteAccess?.suspended;
}

export function assertOwnTwoStep(viewer: Viewer | null): asserts viewer is Viewer {
  if (!canManageOwnTwoStep(viewer)) throw new AccessDenied();
}
