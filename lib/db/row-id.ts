import crypto from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new primary key for a row written with raw SQL, in the shape of the ids Prisma's cuid()
 * gives the rest (25 lowercase characters starting with "c"): time first, then 16 random
 * characters, so ids stay unique across tables and roughly ordered by creation.
 */
export function newRowId(now = Date.now()): string {
  let tail = '';
  while (tail.length < 16) {
    // 252 = 7 × 36: bytes above it are dropped so every character is equally likely.
    for (const byte of crypto.randomBytes(20)) if (byte < 252 && tail.length < 16) tail += BASE36[byte % 36];
  }
  return `c${now.toString(36).padStart(8, '0')}${tail}`;
}
