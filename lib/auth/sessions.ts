import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { DomainError } from '../result';
import { normalizeEmail } from '../email-address';
import { hitRateLimit } from '../rate-limit';
import { verifyPassword } from './password';
import { currentSite } from '../site';

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export type SignInResult = { ok: true; userId: string; sessionId: string } | { ok: false; reason: 'invalid' | 'throttled' | 'suspended' };

/**
 * Checks an email + password and opens a fresh server-side session (a new id at every sign-in).
 * Attempts are throttled per address and per IP, in the database, without permanent lockout.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: unknown; password: unknown; ip?: string | null; userAgent?: string | null },
  now = new Date(),
): Promise<SignInResult> {
  const email = typeof input.email === 'string' ? normalizeEmail(input.email) : null;
  const password = typeof input.password === 'string' ? input.password : '';
  if (!email || !password || password.length > 1024) return { ok: false, reason: 'invalid' };

  const perAccount = await hitRateLimit(db, `signin:email:${email}`, 10, 15 * 60, now);
  const perIp = input.ip ? await hitRateLimit(db, `signin:ip:${input.ip}`, 100, 15 * 60, now) : { allowed: true };
  if (!perAccount.allowed || !perIp.allowed) return { ok: false, reason: 'throttled' };

  const user = await db.user.findUnique({ where: { email } });
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid || !user.active) return { ok: false, reason: 'invalid' };
  // Only after the right password, so this reveals nothing to someone guessing.
  const site = await currentSite(db);
  const suspended = await db.siteUser.count({ where: { siteId: site.id, userId: user.id, suspendedAt: { not: null } } });
  if (suspended) return { ok: false, reason: 'suspended' };

  const session = await db.session.create({
    data: {
      userId: user.id,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
      verifiedAt: now,
      ip: input.ip?.slice(0, 64) ?? null,
      userAgent: input.userAgent?.slice(0, 256) ?? null,
    },
  });
  await db.user.update({ where: { id: user.id }, data: { lastActiveAt: now } });
  return { ok: true, userId: user.id, sessionId: session.id };
}

export async function revokeSession(db: Db, sessionId: string, now = new Date()) {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/** Ends every open session of a person (removal, suspension, password change). */
export async function revokeAllSessions(db: Db, userId: string, now = new Date()) {
  await db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
}

/** How long after a rotation the browser's cookie may switch to the new session id (lib/auth's jwt callback). */
export const ROTATION_ADOPT_SECONDS = 120;

/** A new session id for a rotation: 256 random bits, never guessable from the old one. */
export const newSessionId = () => randomBytes(32).toString('base64url');

export type VerificationChange = { verifiedAt?: Date; secondFactorAt?: Date | null };

/**
 * Renews the session id at a privilege change (second factor passed, password re-verified): inside
 * the caller's transaction, deletes the old row and creates its successor carrying the new
 * verification state and what must carry over (user, start, expiry, last password, client). A
 * token captured before the change opens nothing afterwards. Refused when the old session has
 * already ended, been revoked or been rotated by a concurrent request (the delete is conditional,
 * so exactly one of two racing rotations wins). Returns the new id, which the caller hands to the
 * browser (lib/auth's adoptSession).
 */
export async function rotateSession(tx: Prisma.TransactionClient, sessionId: string, change: VerificationChange, now = new Date()): Promise<string> {
  const old = await tx.session.findUnique({ where: { id: sessionId } });
  const removed = old && !old.revokedAt && old.expiresAt > now ? await tx.session.deleteMany({ where: { id: sessionId, revokedAt: null } }) : { count: 0 };
  if (!old || removed.count !== 1) throw new DomainError('UNAUTHENTICATED', 'Your session has ended. Log in again.');
  const created = await tx.session.create({
    data: {
      id: newSessionId(),
      userId: old.userId,
      createdAt: old.createdAt,
      expiresAt: old.expiresAt,
      verifiedAt: change.verifiedAt ?? old.verifiedAt,
      secondFactorAt: change.secondFactorAt !== undefined ? change.secondFactorAt : old.secondFactorAt,
      lastSeenAt: now,
      ip: old.ip,
      userAgent: old.userAgent,
      rotatedFromId: old.id,
      rotatedAt: now,
    },
    select: { id: true },
  });
  return created.id;
}

/**
 * For Auth.js's jwt callback (trigger "update"): the session id the cookie of `token` may switch
 * to. Only `nextId` of a session rotated from the token's own session, of the same person, moments
 * ago and still open; anything else (a client-supplied id among them) leaves the cookie as it is.
 */
export async function rotatedSuccessor(db: Db, token: { sub?: unknown; sid?: unknown }, nextId: unknown, now = new Date()): Promise<string | null> {
  if (typeof nextId !== 'string' || typeof token.sid !== 'string' || typeof token.sub !== 'string' || nextId.length > 200) return null;
  const next = await db.session.findUnique({
    where: { id: nextId },
    select: { id: true, userId: true, rotatedFromId: true, rotatedAt: true, revokedAt: true, expiresAt: true },
  });
  if (!next || next.rotatedFromId !== token.sid || next.userId !== token.sub || next.revokedAt || next.expiresAt <= now || !next.rotatedAt) return null;
  const age = now.getTime() - next.rotatedAt.getTime();
  return age >= -5_000 && age <= ROTATION_ADOPT_SECONDS * 1000 ? next.id : null;
}
