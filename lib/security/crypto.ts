// Keys for two-step verification, derived from AUTH_SECRET (the same on every app instance):
// - authenticator secrets are stored sealed with AES-256-GCM, bound to their user id;
// - emailed passcodes are stored as an HMAC, so a database dump alone doesn't reveal them.
// Recovery codes are hashed with scrypt (lib/security/recovery-codes.ts), not with these keys.
import crypto from 'node:crypto';

const TEST_ONLY_SECRET = 'portico-test-only-secret-never-used-outside-vitest';

function rootSecret(): string {
  const secret = process.env.AUTH_SECRET;
  if (secret) return secret;
  // Vitest sets NODE_ENV=test; nothing else may run without the real secret.
  if (process.env.NODE_ENV === 'test') return TEST_ONLY_SECRET;
  throw new Error('AUTH_SECRET is not set: it is needed to protect two-step verification secrets.');
}

const keys = new Map<string, Buffer>();

/** A 256-bit key for one purpose, derived with HKDF-SHA256 (cached per purpose and secret). */
export function derivedKey(purpose: string): Buffer {
  const secret = rootSecret();
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', secret, 'portico-two-step', purpose, 32));
    keys.set(cacheKey, key);
  }
  return key;
}

const SEAL_VERSION = 'v1';

/** Encrypts `plain` for storage; `context` (the user id) must match when opening. */
export function seal(plain: Buffer, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', derivedKey('authenticator-secret:v1'), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${SEAL_VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The plaintext of `seal(plain, context)`; throws when the value was altered or belongs to another context. */
export function open(sealed: string, context: string): Buffer {
  const [version, data] = sealed.split('.');
  if (version !== SEAL_VERSION || !data) throw new Error('Unknown sealed value format');
  const raw = Buffer.from(data, 'base64url');
  if (raw.length < 29) throw new Error('Sealed value too short');
  const decipher = crypto.createDecipheriv('aes-256-gcm', derivedKey('authenticator-secret:v1'), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/** HMAC-SHA256 (hex) of `value` under the key for `purpose`. */
export function keyedHash(purpose: string, value: string): string {
  return crypto.createHmac('sha256', derivedKey(purpose)).update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests of the same length. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && crypto.timingSafeEqual(left, right);
}
