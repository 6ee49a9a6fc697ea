// Settings → API keys: the organization's API keys for the admin REST API (Authorization: Bearer),
// as Atlassian Administration's "API keys". A site admin creates one; it is shown once and only its
// SHA-256 is stored. A key acts as the site admin who created it, and only while that person is
// still a site admin (lib/org-api/auth.ts): it never carries more rights than a current admin.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import { assertCan, can, type Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { DomainError } from '../result';

export const ORG_API_KEY_PREFIX = 'PTCORG_';
/** Random bytes in a key (256 bits), base64url after the prefix. */
export const ORG_API_KEY_BYTES = 32;
export const ORG_API_KEY_NAME_MAX = 100;
export const ORG_API_KEY_MIN_DAYS = 1;
export const ORG_API_KEY_MAX_DAYS = 365;
export const ORG_API_KEY_DEFAULT_DAYS = 365;
/** Unrevoked, unexpired keys one organization may hold. */
export const MAX_ACTIVE_ORG_API_KEYS = 50;
/** lastUsedAt is written at most this often per key. */
export const ORG_API_KEY_LAST_USED_INTERVAL_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = new RegExp(`^${ORG_API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`);

// ---------------------------------------------------------------------------------------------
// Inputs (shared by the server actions and the create dialog)

// PostgreSQL text cannot hold NUL, and a name is one line.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

const EXPIRY_MESSAGE = `Choose an expiry between ${ORG_API_KEY_MIN_DAYS} and ${ORG_API_KEY_MAX_DAYS} days.`;
const NAME_MESSAGE = 'Enter a name for the API key.';

export const CreateOrgApiKeyInput = z.object({
  name: z
    .string({ error: NAME_MESSAGE })
    .transform((s) => s.normalize('NFKC').replace(CONTROL_CHARACTERS, ' ').trim())
    .pipe(z.string().min(1, NAME_MESSAGE).max(ORG_API_KEY_NAME_MAX, `Keep the name to ${ORG_API_KEY_NAME_MAX} characters or fewer.`)),
  expiresInDays: z
    .union([z.string(), z.number()], { error: EXPIRY_MESSAGE })
    .optional()
    .transform((v) => (v === undefined || v === '' ? ORG_API_KEY_DEFAULT_DAYS : Number(v)))
    .pipe(z.number({ error: EXPIRY_MESSAGE }).int(EXPIRY_MESSAGE).min(ORG_API_KEY_MIN_DAYS, EXPIRY_MESSAGE).max(ORG_API_KEY_MAX_DAYS, EXPIRY_MESSAGE)),
});
export type CreateOrgApiKeyInput = z.input<typeof CreateOrgApiKeyInput>;

export const RevokeOrgApiKeyInput = z.object({
  keyId: z.string({ error: 'Missing API key.' }).trim().min(1, 'Missing API key.').max(64, 'Missing API key.'),
});

// ---------------------------------------------------------------------------------------------
// The key itself

/** A new raw key: the prefix and 32 random bytes. It exists only in the creator's browser. */
export function generateOrgApiKey(): string {
  return ORG_API_KEY_PREFIX + crypto.randomBytes(ORG_API_KEY_BYTES).toString('base64url');
}

/** What is stored: SHA-256 of the raw key, hex. */
export function hashOrgApiKey(raw: string): string {
  return crypto.createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** Whether a string has the shape of a Portico organization API key (cheap refusal before any database read). */
export function looksLikeOrgApiKey(raw: string): boolean {
  return KEY_PATTERN.test(raw);
}

/** Who manages the organization's API keys: site admins (the same permission as inviting and removing people). */
export function canManageOrgApiKeys(viewer: Viewer | null): viewer is Viewer {
  return can(viewer, 'admin.users.manage');
}

async function organizationOf(db: Pick<Db, 'site'>, siteId: string): Promise<string> {
  const site = await db.site.findUniqueOrThrow({ where: { id: siteId }, select: { organizationId: true } });
  return site.organizationId;
}

// ---------------------------------------------------------------------------------------------
// Create, list, revoke (site admins)

export type CreatedOrgApiKey = { id: string; name: string; key: string; organizationId: string; createdAt: Date; expiresAt: Date };

export async function createOrgApiKey(db: Db, viewer: Viewer, raw: CreateOrgApiKeyInput, audit: AuditContext, now = new Date()): Promise<CreatedOrgApiKey> {
  assertCan(viewer, 'admin.users.manage');
  const parsed = CreateOrgApiKeyInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'form');
    throw new DomainError('INVALID_INPUT', issue?.message ?? 'Check the highlighted fields.', { [field]: issue?.message ?? '' });
  }
  const { name, expiresInDays } = parsed.data;
  const organizationId = await organizationOf(db, viewer.site.id);
  const key = generateOrgApiKey();
  const expiresAt = new Date(now.getTime() + expiresInDays * DAY_MS);
  return db.$transaction(async (tx) => {
    // Serializes the organization's creations, so two at once can't both pass the count below.
    await tx.$executeRaw`SELECT 1 FROM "Organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
    const active = await tx.orgApiKey.count({ where: { organizationId, revokedAt: null, expiresAt: { gt: now } } });
    if (active >= MAX_ACTIVE_ORG_API_KEYS) {
      throw new DomainError('REFUSED', `Your organization can have up to ${MAX_ACTIVE_ORG_API_KEYS} active API keys. Revoke one you no longer use first.`);
    }
    const row = await tx.orgApiKey.create({
      data: { organizationId, name, tokenHash: hashOrgApiKey(key), createdById: viewer.userId, createdAt: now, expiresAt },
      select: { id: true, name: true, createdAt: true, expiresAt: true },
    });
    await writeAudit(tx, audit, {
      action: 'org_api_key.created',
      targetType: 'org_api_key',
      targetId: row.id,
      before: { key: null },
      after: { name, expiresAt: expiresAt.toISOString() },
    });
    return { ...row, key, organizationId };
  });
}

export type OrgApiKeyRow = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  expired: boolean;
  createdBy: { name: string; email: string } | null;
  /** False when the creator is no longer an active site admin: the key is refused until revoked and replaced. */
  creatorIsSiteAdmin: boolean;
};

/** The organization's unrevoked keys (expired ones too, marked), newest first. */
export async function listOrgApiKeys(db: Db, viewer: Viewer, now = new Date()): Promise<OrgApiKeyRow[]> {
  assertCan(viewer, 'admin.users.manage');
  const organizationId = await organizationOf(db, viewer.site.id);
  const rows = await db.orgApiKey.findMany({
    where: { organizationId, revokedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      name: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      createdBy: {
        select: {
          name: true,
          email: true,
          active: true,
          siteUsers: { where: { siteId: viewer.site.id }, select: { isSiteAdmin: true, suspendedAt: true } },
        },
      },
    },
  });
  return rows.map(({ createdBy, ...row }) => {
    const onSite = createdBy?.siteUsers[0];
    return {
      ...row,
      expired: row.expiresAt <= now,
      createdBy: createdBy ? { name: createdBy.name, email: createdBy.email } : null,
      creatorIsSiteAdmin: !!createdBy?.active && !!onSite?.isSiteAdmin && onSite.suspendedAt === null,
    };
  });
}

const NOT_FOUND_MESSAGE = "That API key doesn't exist or was already revoked.";

/** Revokes one of the organization's keys: calls with it are refused from the next request on. */
export async function revokeOrgApiKey(db: Db, viewer: Viewer, keyId: string, audit: AuditContext, now = new Date()): Promise<{ name: string }> {
  assertCan(viewer, 'admin.users.manage');
  const organizationId = await organizationOf(db, viewer.site.id);
  return db.$transaction(async (tx) => {
    const key = await tx.orgApiKey.findFirst({ where: { id: keyId, organizationId, revokedAt: null }, select: { id: true, name: true } });
    if (!key) throw new DomainError('NOT_FOUND', NOT_FOUND_MESSAGE);
    const { count } = await tx.orgApiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw new DomainError('NOT_FOUND', NOT_FOUND_MESSAGE);
    await writeAudit(tx, audit, {
      action: 'org_api_key.revoked',
      targetType: 'org_api_key',
      targetId: key.id,
      before: { name: key.name, revokedAt: null },
      after: { name: key.name, revokedAt: now.toISOString() },
    });
    return { name: key.name };
  });
}

// ---------------------------------------------------------------------------------------------
// Verification (Authorization: Bearer <key>)

export type OrgApiKeyCheck =
  | { ok: true; keyId: string; organizationId: string; createdById: string | null }
  | { ok: false; reason: 'invalid' | 'expired' };

/**
 * The key with this value, when it is neither revoked nor expired. The lookup is by the SHA-256 of
 * the presented value (a unique index), so its timing says nothing about any stored key.
 */
export async function verifyOrgApiKey(db: Db, raw: string, now = new Date()): Promise<OrgApiKeyCheck> {
  if (!looksLikeOrgApiKey(raw)) return { ok: false, reason: 'invalid' };
  const key = await db.orgApiKey.findUnique({
    where: { tokenHash: hashOrgApiKey(raw) },
    select: { id: true, organizationId: true, createdById: true, expiresAt: true, revokedAt: true },
  });
  if (!key || key.revokedAt) return { ok: false, reason: 'invalid' };
  if (key.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, keyId: key.id, organizationId: key.organizationId, createdById: key.createdById };
}

/** Records a successful use; written at most once a minute per key. */
export async function touchOrgApiKey(db: Db, keyId: string, now = new Date()): Promise<void> {
  await db.orgApiKey.updateMany({
    where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - ORG_API_KEY_LAST_USED_INTERVAL_MS) } }] },
    data: { lastUsedAt: now },
  });
}
