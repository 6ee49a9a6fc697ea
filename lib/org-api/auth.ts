// Bearer authentication of the organization admin API with an organization API key. Every call
// verifies the key, rate-limits, and rebuilds the Viewer of the site admin who created the key from
// the database: the key acts as that person, and only while they are still an active site admin
// (not suspended, not removed, verified when the external-user policy asks for it), so it never
// carries more rights than a current admin has at the moment of the call.
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { can } from '../access/policy';
import { loadAccessFor } from '../access/viewer';
import type { AuditContext } from '../audit';
import { apiTokensBlockedFor } from '../api-tokens';
import { hitRateLimit } from '../rate-limit';
import { clientIp } from '../request-info';
import { REST_RATE_LIMITS } from '../rest/auth';
import { adminError, ORG_API_MESSAGES } from './errors';
import { touchOrgApiKey, verifyOrgApiKey } from './keys';

export const BEARER_CHALLENGE = 'Bearer realm="Portico admin API", charset="UTF-8"';

/** Fixed windows in PostgreSQL (lib/rate-limit.ts): the REST API's limits, in counters of their own. */
export const ORG_API_RATE_LIMITS = { window: REST_RATE_LIMITS.window, perKey: REST_RATE_LIMITS.perToken, perIp: REST_RATE_LIMITS.perIp } as const;

export const orgApiRateLimitKeys = {
  key: (keyId: string) => `org-api:key:${keyId}`,
  ip: (ip: string) => `org-api:ip:${ip}`,
};

/** Stands in for Viewer.sessionId: an API call has no session. Never a real session id. */
export const orgApiKeySessionId = (keyId: string) => `org-api-key:${keyId}`;

export type OrgApiCaller = {
  /** The site admin who created the key, as they are now. */
  viewer: Viewer;
  keyId: string;
  organizationId: string;
  /** Audit rows name the key's creator as the actor. */
  audit: AuditContext;
};

export type OrgApiAuthResult = { ok: true; caller: OrgApiCaller } | { ok: false; response: Response };

/** The key of a Bearer Authorization header, or null when there is none or it is malformed. */
export function parseBearer(header: string | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{1,512})\s*$/i.exec(header);
  return match ? match[1] : null;
}

function unauthorized(detail: string): Response {
  return adminError(401, detail, { 'WWW-Authenticate': BEARER_CHALLENGE });
}

function rateLimited(windowSeconds: number, now: Date): Response {
  const windowMs = windowSeconds * 1000;
  const retryAfter = Math.max(1, Math.ceil((windowMs - (now.getTime() % windowMs)) / 1000));
  return adminError(429, ORG_API_MESSAGES.rateLimited(retryAfter), { 'Retry-After': String(retryAfter) });
}

/**
 * Who is calling, or the response that refuses the call:
 * - 429 (with Retry-After) past the per-IP or per-key limit;
 * - 401 (with WWW-Authenticate) without a key, with a wrong, revoked or expired one, or when the
 *   key's creator is no longer an active site admin (deactivated, suspended, removed, demoted, has
 *   not passed the two-step verification the external-user policy requires, or is external while
 *   the policy blocks API tokens for external users);
 * - 404 when the key belongs to another organization than `orgId` (the one in the path).
 */
export async function authenticateOrgApiRequest(db: Db, request: Request, orgId: string, now = new Date()): Promise<OrgApiAuthResult> {
  const ip = clientIp(request.headers);
  const userAgent = request.headers.get('user-agent')?.slice(0, 256) ?? null;
  if (ip) {
    const perIp = await hitRateLimit(db, orgApiRateLimitKeys.ip(ip), ORG_API_RATE_LIMITS.perIp, ORG_API_RATE_LIMITS.window, now);
    if (!perIp.allowed) return { ok: false, response: rateLimited(ORG_API_RATE_LIMITS.window, now) };
  }

  const raw = parseBearer(request.headers.get('authorization'));
  if (!raw) return { ok: false, response: unauthorized(ORG_API_MESSAGES.unauthenticated) };
  const check = await verifyOrgApiKey(db, raw, now);
  if (!check.ok) return { ok: false, response: unauthorized(check.reason === 'expired' ? ORG_API_MESSAGES.expired : ORG_API_MESSAGES.unauthenticated) };

  const perKey = await hitRateLimit(db, orgApiRateLimitKeys.key(check.keyId), ORG_API_RATE_LIMITS.perKey, ORG_API_RATE_LIMITS.window, now);
  if (!perKey.allowed) return { ok: false, response: rateLimited(ORG_API_RATE_LIMITS.window, now) };

  // The creator, as they are now.
  const creator = check.createdById
    ? await db.user.findUnique({ where: { id: check.createdById }, select: { id: true, email: true, name: true, emailDomain: true, active: true } })
    : null;
  if (!creator || !creator.active) return { ok: false, response: unauthorized(ORG_API_MESSAGES.creatorNotAdmin) };
  const viewer = await loadAccessFor(db, creator, orgApiKeySessionId(check.keyId), { now });
  if (await apiTokensBlockedFor(db, { external: viewer.external, siteId: viewer.site.id })) {
    return { ok: false, response: unauthorized(ORG_API_MESSAGES.creatorTokensBlocked) };
  }
  const access = viewer.siteAccess;
  if (access?.isSiteAdmin && !access.suspended && viewer.verification && viewer.verification !== 'OK') {
    return { ok: false, response: unauthorized(ORG_API_MESSAGES.creatorMustVerify) };
  }
  if (!can(viewer, 'admin.users.manage')) return { ok: false, response: unauthorized(ORG_API_MESSAGES.creatorNotAdmin) };

  // The organization in the path must be the key's, and the one this deployment's site belongs to.
  const site = await db.site.findUniqueOrThrow({ where: { id: viewer.site.id }, select: { organizationId: true } });
  if (orgId !== check.organizationId || site.organizationId !== check.organizationId) {
    return { ok: false, response: adminError(404, ORG_API_MESSAGES.orgNotFound(orgId)) };
  }

  await touchOrgApiKey(db, check.keyId, now);
  return {
    ok: true,
    caller: {
      viewer,
      keyId: check.keyId,
      organizationId: check.organizationId,
      audit: { actorId: viewer.userId, siteId: viewer.site.id, ip, userAgent },
    },
  };
}
