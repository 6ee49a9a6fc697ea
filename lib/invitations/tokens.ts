import crypto from 'node:crypto';

/** 32 random bytes; only the SHA-256 is stored, the raw value only travels in the email. */
export function newInvitationToken(): { raw: string; hash: string } {
  const raw = crypto.randomBytes(32).toString('base64url');
  return { raw, hash: hashInvitationToken(raw) };
}

export function hashInvitationToken(raw: string): string {
  return crypto.createHash('sha256').update(raw).digest('hex');
}

export function looksLikeToken(raw: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(raw);
}
