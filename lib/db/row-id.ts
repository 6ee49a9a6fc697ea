import crypto from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

// Random bytes drawn 4 KB at a time: one randomBytes call per id cost ~3 ms for a 500-address
// invite (1,000 ids). Ids are not secrets (tokens are made apart, in lib/invitations/tokens.ts).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

/**
 * A new primary key for a row written with raw SQL, in the shape of the ids Prisma's cuid()
 * gives the rest (25 lowercase characters starting with "c"): time first, then 16 random
 * characters, so ids stay unique across tables and roughly ordered by creation.
 */
export function newRowId(now = Date.now()): string {
  let tail = '';
  while (tail.length < 16) {
    const byte = randomByte();
    // 252 = 7 × 36: bytes above it are dropped so every character is equally likely.
    if (byte < 252) tail += BASE36[byte % 36];
  }
  return `c${now.toString(36).padStart(8, '0')}${tail}`;
}
