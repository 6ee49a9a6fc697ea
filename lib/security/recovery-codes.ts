// Recovery codes for when the authenticator app is lost: 10 of them, shown once, each usable once.
// About 50 bits each, so (ASVS 6.5.2) they are stored with a password KDF (scrypt, salted), never
// as a plain hash; checking one compares it against each unused code of the person.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: easy to read back from paper. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const CODE_LENGTH = 10;

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** Ten new codes, "abcde-fghjk". */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[crypto.randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** The code as stored and compared: lower case, no spaces or dashes; null when it can't be one. */
export function normalizeRecoveryCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 40) return null;
  const code = raw.toLowerCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const char of code) if (!ALPHABET.includes(char)) return null;
  return code;
}

export function looksLikeRecoveryCode(raw: unknown): boolean {
  return normalizeRecoveryCode(raw) !== null;
}

export async function hashRecoveryCode(code: string): Promise<string> {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new Error('Not a recovery code');
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(normalized, salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function matches(stored: string, normalized: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(normalized, Buffer.from(salt, 'base64url'), expected.length, SCRYPT);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** New codes and their hashes (hashing takes a moment: do it before opening a transaction). */
export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = generateRecoveryCodes();
  return { codes, hashes: await Promise.all(codes.map(hashRecoveryCode)) };
}

/** Replaces all of a person's codes (the old ones stop working). */
export async function storeRecoveryCodes(tx: Prisma.TransactionClient, userId: string, hashes: string[]) {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId, codeHash })) });
}

/**
 * Uses one of the person's unused codes: true when `raw` is one, and it is now spent. The spend is
 * a conditional update (usedAt IS NULL), so two requests with the same code can't both succeed.
 */
export async function spendRecoveryCode(db: Db, userId: string, raw: string, now = new Date()): Promise<boolean> {
  const normalized = normalizeRecoveryCode(raw);
  const unused = await db.recoveryCode.findMany({ where: { userId, usedAt: null }, select: { id: true, codeHash: true } });
  if (!normalized) return false;
  let match: string | null = null;
  // Every unused code is checked, so the time taken doesn't say which one matched.
  for (const row of unused) if ((await matches(row.codeHash, normalized)) && !match) match = row.id;
  if (!match) return false;
  const spent = await db.recoveryCode.updateMany({ where: { id: match, usedAt: null }, data: { usedAt: now } });
  return spent.count === 1;
}

export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}
