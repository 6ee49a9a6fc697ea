import type { Db } from '../db/client';
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
