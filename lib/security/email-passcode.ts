// One-time passcodes by email for external users ("One-time passcode by email" in the policy):
// 6 digits, valid 10 minutes, single use, only the newest one works, 5 wrong tries per code, and
// stored as an HMAC (lib/security/crypto.ts). Sent through the outbox (template 'email-passcode').
import crypto from 'node:crypto';
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { DomainError } from '../result';
import { keyedHash, sameDigest } from './crypto';
import { passSecondFactor } from './authenticator';
import { throttle } from './throttle';

export const PASSCODE_TTL_MINUTES = 10;
export const PASSCODE_MAX_ATTEMPTS = 5;
export const EMAIL_PASSCODE_TEMPLATE = 'email-passcode';

const hashPasscode = (userId: string, code: string) => keyedHash('email-passcode:v1', `${userId}:${code}`);

/** Six random digits, "012345". */
export function generatePasscode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

/** "c•••y@brightagency.io": enough to recognise the address on screen. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const masked = local.length <= 2 ? `${local[0] ?? ''}•` : `${local[0]}${'•'.repeat(Math.min(local.length - 2, 6))}${local[local.length - 1]}`;
  return `${masked}${email.slice(at)}`;
}

function assertPasscodeStep(viewer: Viewer) {
  if (viewer.verification !== 'NEEDS_2SV' || viewer.secondFactor !== 'EMAIL_OTP') {
    throw new DomainError('REFUSED', 'Your session doesn’t need a one-time passcode right now.');
  }
}

/**
 * Emails a new passcode to the viewer (the previous one stops working). Limited per account and
 * per IP. The email is written to the outbox in the same transaction as the passcode.
 */
export async function sendEmailPasscode(
  db: Db,
  viewer: Viewer,
  context: { ip?: string | null },
  now = new Date(),
): Promise<{ sentTo: string; expiresAt: Date }> {
  assertPasscodeStep(viewer);
  await throttle(db, 'send', { account: viewer.userId, ip: context.ip }, now);
  const code = generatePasscode();
  const expiresAt = new Date(now.getTime() + PASSCODE_TTL_MINUTES * 60_000);
  await db.$transaction(async (tx) => {
    await tx.emailPasscode.updateMany({ where: { userId: viewer.userId, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    await tx.emailPasscode.create({ data: { userId: viewer.userId, codeHash: hashPasscode(viewer.userId, code), expiresAt, createdAt: now } });
    await tx.outboxEmail.create({
      data: {
        template: EMAIL_PASSCODE_TEMPLATE,
        to: viewer.email,
        payload: { code, name: viewer.name, siteName: viewer.site.name, expiresAt: expiresAt.toISOString() },
      },
    });
  });
  return { sentTo: maskEmail(viewer.email), expiresAt };
}

/** The newest passcode sent to the viewer that can still be used (for the page to say so). */
export async function pendingPasscode(db: Db, userId: string, now = new Date()) {
  return db.emailPasscode.findFirst({
    where: { userId, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true, expiresAt: true, attempts: true },
  });
}

/**
 * Checks an emailed passcode. Right: the passcode is spent (a conditional update, so it works
 * once even when sent twice at the same moment) and the session is replaced by one that has
 * passed its second factor; returns its id (for the cookie).
 */
export async function verifyEmailPasscode(
  db: Db,
  viewer: Viewer,
  rawCode: string,
  context: { ip?: string | null; audit: AuditContext },
  now = new Date(),
): Promise<{ sessionId: string }> {
  assertPasscodeStep(viewer);
  await throttle(db, 'verify', { account: viewer.userId, ip: context.ip }, now);
  const code = typeof rawCode === 'string' ? rawCode.replace(/\s/g, '') : '';
  const latest = await db.emailPasscode.findFirst({
    where: { userId: viewer.userId, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest) throw new DomainError('INVALID_INPUT', 'Your passcode has expired or was replaced. Send a new code.', { code: 'Send a new code.' });
  const counted = await db.emailPasscode.updateMany({
    where: { id: latest.id, usedAt: null, attempts: { lt: PASSCODE_MAX_ATTEMPTS } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count === 0) throw new DomainError('INVALID_INPUT', 'Too many wrong codes. Send a new code.', { code: 'Send a new code.' });
  if (!/^\d{6}$/.test(code) || !sameDigest(latest.codeHash, hashPasscode(viewer.userId, code))) {
    await writeAudit(db, context.audit, { action: 'security.2sv.failed', targetType: 'user', targetId: viewer.userId, targetUserId: viewer.userId, after: { method: 'EMAIL_OTP' } });
    throw new DomainError('INVALID_INPUT', 'That code didn’t work. Check the email and try again.', { code: 'That code didn’t work.' });
  }
  return db.$transaction(async (tx) => {
    const spent = await tx.emailPasscode.updateMany({ where: { id: latest.id, usedAt: null }, data: { usedAt: now } });
    if (spent.count === 0) throw new DomainError('INVALID_INPUT', 'That code was already used. Send a new code.', { code: 'Send a new code.' });
    const sessionId = await passSecondFactor(tx, viewer.sessionId, now);
    await writeAudit(tx, context.audit, { action: 'security.2sv.verified', targetType: 'user', targetId: viewer.userId, targetUserId: viewer.userId, after: { method: 'EMAIL_OTP' } });
    return { sessionId };
  });
}
