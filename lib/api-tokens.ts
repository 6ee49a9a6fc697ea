// Account settings → Security → API tokens: a person's own tokens for the REST API (HTTP Basic
// with email and token, as Jira Cloud does). The token is shown once; only its SHA-256 is stored.
// Nobody creates or revokes a token for someone else (Remove access revokes them all, in
// lib/users/manage.ts).
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db/client';
import { AccessDenied, siteRoleOf, type Viewer } from './access/policy';
import { writeAudit, type AuditContext } from './audit';
import { normalizeEmail } from './email-address';
import { DomainError } from './result';

export const API_TOKEN_PREFIX = 'PTC_';
/** Random bytes in a token (256 bits), base64url after the prefix. */
export const API_TOKEN_BYTES = 32;
export const API_TOKEN_NAME_MAX = 100;
export const API_TOKEN_MIN_DAYS = 1;
export const API_TOKEN_MAX_DAYS = 365;
export const API_TOKEN_DEFAULT_DAYS = 365;
/** Unrevoked, unexpired tokens one person may hold; verification compares against each of them. */
export const MAX_ACTIVE_API_TOKENS = 50;
/** lastUsedAt is written at most this often per token. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;
const TOKEN_PATTERN = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

// ---------------------------------------------------------------------------------------------
// Inputs

// PostgreSQL text cannot hold NUL, and a name is one line.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

const EXPIRY_MESSAGE = `Choose an expiry between ${API_TOKEN_MIN_DAYS} and ${API_TOKEN_MAX_DAYS} days.`;

export const CreateApiTokenInput = z.object({
  name: z
    .string({ error: 'Enter a name for the token.' })
    .transform((s) => s.normalize('NFKC').replace(CONTROL_CHARACTERS, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, 'Enter a name for the token.')
        .max(API_TOKEN_NAME_MAX, `Keep the name to ${API_TOKEN_NAME_MAX} characters or fewer.`),
    ),
  expiresInDays: z
    .union([z.string(), z.number()], { error: EXPIRY_MESSAGE })
    .optional()
    .transform((v) => (v === undefined || v === '' ? API_TOKEN_DEFAULT_DAYS : Number(v)))
    .pipe(
      z
        .number({ error: EXPIRY_MESSAGE })
        .int(EXPIRY_MESSAGE)
        .min(API_TOKEN_MIN_DAYS, EXPIRY_MESSAGE)
        .max(API_TOKEN_MAX_DAYS, EXPIRY_MESSAGE),
    ),
});
export type CreateApiTokenInput = z.input<typeof CreateApiTokenInput>;

export const RevokeApiTokenInput = z.object({
  tokenId: z.string({ error: 'Missing token.' }).trim().min(1, 'Missing token.').max(64, 'Missing token.'),
});

// ---------------------------------------------------------------------------------------------
// The token itself

/** A new raw token: the prefix and 32 random bytes. It exists only in the creator's browser. */
export function generateApiToken(): string {
  return API_TOKEN_PREFIX + crypto.randomBytes(API_TOKEN_BYTES).toString('base64url');
}

/** What is stored: SHA-256 of the raw token, hex. */
export function hashApiToken(raw: string): string {
  return crypto.createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** Whether a string has the shape of a Portico token (cheap refusal before any database read). */
export function looksLikeApiToken(raw: string): boolean {
  return TOKEN_PATTERN.test(raw);
}

// ---------------------------------------------------------------------------------------------
// Who may hold tokens

/** Anyone signed in with usable access to the site manages their own tokens. */
export function canManageOwnApiTokens(viewer: Viewer | null): viewer is Viewer {
  const access = viewer?.siteAccess;
  if (!viewer || !access || access.suspended) return false;
  return siteRoleOf(viewer) !== null || access.otherApps.length > 0;
}

/**
 * Whether the organization's external-user policy blocks API tokens for this person right now
 * (they are external and "API token access" is Block). Read on every call: a change applies at once.
 */
export async function apiTokensBlockedFor(db: Db, person: { external: boolean; siteId: string }): Promise<boolean> {
  if (!person.external) return false;
  const policy = await db.externalUserPolicy.findFirst({
    where: { organization: { sites: { some: { id: person.siteId } } } },
    select: { apiTokensAllowed: true },
  });
  // No policy row means the defaults, and Atlassian's default is Allow.
  return policy ? !policy.apiTokensAllowed : false;
}

export const API_TOKENS_BLOCKED_MESSAGE = 'Your organization admin has blocked API token access for external users.';

// ---------------------------------------------------------------------------------------------
// Create, list, revoke (the owner only)

export type CreatedApiToken = { id: string; name: string; token: string; createdAt: Date; expiresAt: Date };

export async function createApiToken(
  db: Db,
  viewer: Viewer,
  raw: CreateApiTokenInput,
  audit: AuditContext,
  now = new Date(),
): Promise<CreatedApiToken> {
  if (!canManageOwnApiTokens(viewer)) throw new AccessDenied();
  const parsed = CreateApiTokenInput.safeParse(raw);
  if (!parsed.success) throw new DomainError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Check the highlighted fields.');
  const { name, expiresInDays } = parsed.data;
  const token = generateApiToken();
  const expiresAt = new Date(now.getTime() + expiresInDays * DAY_MS);
  return db.$transaction(async (tx) => {
    // Serializes one person's creations, so two at once can't both pass the count below.
    await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${viewer.userId} FOR NO KEY UPDATE`;
    const active = await tx.apiToken.count({ where: { userId: viewer.userId, revokedAt: null, expiresAt: { gt: now } } });
    if (active >= MAX_ACTIVE_API_TOKENS) {
      throw new DomainError('REFUSED', `You can have up to ${MAX_ACTIVE_API_TOKENS} active API tokens. Revoke one you no longer use first.`);
    }
    const row = await tx.apiToken.create({
      data: { userId: viewer.userId, name, tokenHash: hashApiToken(token), createdAt: now, expiresAt },
      select: { id: true, name: true, createdAt: true, expiresAt: true },
    });
    await writeAudit(tx, audit, {
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: row.id,
      targetUserId: viewer.userId,
      before: { token: null },
      after: { name, expiresAt: expiresAt.toISOString() },
    });
    return { ...row, token };
  });
}

export type ApiTokenRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date; expired: boolean };

/** The viewer's own tokens that are not revoked (expired ones too, marked), newest first. */
export async function listApiTokens(db: Db, viewer: Viewer, now = new Date()): Promise<ApiTokenRow[]> {
  if (!canManageOwnApiTokens(viewer)) return [];
  const rows = await db.apiToken.findMany({
    where: { userId: viewer.userId, revokedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
  return rows.map((row) => ({ ...row, expired: row.expiresAt <= now }));
}

/** Revokes one of the viewer's own tokens. Someone else's token is "not found", like a missing one. */
export async function revokeApiToken(db: Db, viewer: Viewer, tokenId: string, audit: AuditContext, now = new Date()): Promise<{ name: string }> {
  if (!canManageOwnApiTokens(viewer)) throw new AccessDenied();
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { id: tokenId, userId: viewer.userId, revokedAt: null }, select: { id: true, name: true } });
    if (!token) throw new DomainError('NOT_FOUND', "That API token doesn't exist or was already revoked.");
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw new DomainError('NOT_FOUND', "That API token doesn't exist or was already revoked.");
    await writeAudit(tx, audit, {
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: token.id,
      targetUserId: viewer.userId,
      before: { name: token.name, revokedAt: null },
      after: { name: token.name, revokedAt: now.toISOString() },
    });
    return { name: token.name };
  });
}

// ---------------------------------------------------------------------------------------------
// Verification (HTTP Basic: email + token)

export type ApiTokenCheck = { ok: true; tokenId: string; userId: string } | { ok: false; reason: 'invalid' | 'expired' };

// Compared against when the address has no account or no token, so the work done doesn't depend on it.
const DUMMY_HASH = Buffer.from(hashApiToken('PTC_dummy'), 'hex');

/**
 * The token of the person with this email address that matches, when it is neither revoked nor
 * expired. Every unrevoked token of theirs is compared in constant time (no early exit), so the
 * timing says nothing about which one, if any, matched.
 */
export async function verifyApiToken(db: Db, credentials: { email: string; token: string }, now = new Date()): Promise<ApiTokenCheck> {
  const email = normalizeEmail(credentials.email);
  const presented = Buffer.from(hashApiToken(credentials.token), 'hex');
  if (!email || !looksLikeApiToken(credentials.token)) {
    crypto.timingSafeEqual(presented, DUMMY_HASH);
    return { ok: false, reason: 'invalid' };
  }
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, apiTokens: { where: { revokedAt: null }, select: { id: true, tokenHash: true, expiresAt: true } } },
  });
  let match: { id: string; expiresAt: Date } | null = null;
  for (const candidate of user?.apiTokens ?? []) {
    const stored = Buffer.from(candidate.tokenHash, 'hex');
    const equal = stored.length === presented.length && crypto.timingSafeEqual(stored, presented);
    if (equal && !match) match = candidate;
  }
  if (!user?.apiTokens.length) crypto.timingSafeEqual(presented, DUMMY_HASH);
  if (!user || !match) return { ok: false, reason: 'invalid' };
  if (match.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, tokenId: match.id, userId: user.id };
}

/** Records a successful use; written at most once a minute per token. */
export async function touchApiToken(db: Db, tokenId: string, now = new Date()): Promise<void> {
  await db.apiToken.updateMany({
    where: { id: tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS) } }] },
    data: { lastUsedAt: now },
  });
}
