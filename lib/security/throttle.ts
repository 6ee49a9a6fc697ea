// Attempt limits for two-step verification, as fixed windows in PostgreSQL (lib/rate-limit.ts), so
// every app instance counts together. A window ends by itself: there is no permanent lockout, and
// a wrong guess costs the account owner nothing beyond the window.
import type { Db } from '../db/client';
import { hitRateLimit } from '../rate-limit';
import { DomainError } from '../result';

export const LIMITS = {
  /** Codes checked (authenticator, recovery, emailed passcode), per account and per IP. */
  verify: { perAccount: 10, perIp: 100, windowSeconds: 15 * 60 },
  /** Passcode emails sent, per account and per IP. */
  send: { perAccount: 5, perIp: 30, windowSeconds: 15 * 60 },
  /** Passwords entered to re-verify: the same counters as signing in (lib/auth/sessions.ts). */
  password: { perAccount: 10, perIp: 100, windowSeconds: 15 * 60 },
} as const;

export const throttleKeys = {
  verify: { account: (userId: string) => `2sv:verify:user:${userId}`, ip: (ip: string) => `2sv:verify:ip:${ip}` },
  send: { account: (userId: string) => `2sv:send:user:${userId}`, ip: (ip: string) => `2sv:send:ip:${ip}` },
  password: { account: (email: string) => `signin:email:${email}`, ip: (ip: string) => `signin:ip:${ip}` },
};

function minutesLeft(windowSeconds: number, now: Date): number {
  const windowMs = windowSeconds * 1000;
  return Math.max(1, Math.ceil((windowMs - (now.getTime() % windowMs)) / 60_000));
}

/** Counts one attempt; throws RATE_LIMITED past the account's or the IP's limit for the window. */
export async function throttle(
  db: Db,
  kind: keyof typeof LIMITS,
  who: { account: string; ip?: string | null },
  now = new Date(),
): Promise<void> {
  const limit = LIMITS[kind];
  const keys = throttleKeys[kind];
  const perAccount = await hitRateLimit(db, keys.account(who.account), limit.perAccount, limit.windowSeconds, now);
  const perIp = who.ip ? await hitRateLimit(db, keys.ip(who.ip), limit.perIp, limit.windowSeconds, now) : { allowed: true };
  if (!perAccount.allowed || !perIp.allowed) {
    const minutes = minutesLeft(limit.windowSeconds, now);
    const what = kind === 'send' ? 'Too many codes requested.' : 'Too many attempts.';
    throw new DomainError('RATE_LIMITED', `${what} Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`);
  }
}
