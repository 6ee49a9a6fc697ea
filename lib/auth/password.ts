import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// A hash of nothing anyone can type here, with OPTIONS' parameters (checked by tests/unit).
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$mgkAE0f+xCKBCHp46PGcoQ$zA1YmyJYDXRbAaYwpVSerZU+1f1H/6I+lxpmw279Yjs';

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Unknown account (or none with a password): run the very same check against a hash with the
    // same parameters, so the answer takes as long as for a real account with a wrong password.
    await verify(DUMMY_HASH, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 8;
