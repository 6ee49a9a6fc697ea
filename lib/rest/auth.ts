// HTTP Basic authentication of the REST API with email + API token, as Jira Cloud does. Every call
// verifies the token, rate-limits, and rebuilds the owner's Viewer from the database; then the
// external-user policy and the owner's site access decide whether the call may go on at all.
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import type { AuditContext } from '../audit';
import { API_TOKENS_BLOCKED_MESSAGE, apiTokensBlockedFor, canManageOwnApiTokens, touchApiToken, verifyApiToken } from '../api-tokens';
import { hitRateLimit } from '../rate-limit';
import { verificationRequiredMessage } from '../security/verification';
import { clientIp } from '../request-info';
import { jiraError, MESSAGES } from './errors';
import { loadTokenOwnerViewer } from './viewer';

export const WWW_AUTHENTICATE = 'Basic realm="Portico", charset="UTF-8"';

/** Fixed windows in PostgreSQL (lib/rate-limit.ts), shared by every app instance. */
export const REST_RATE_LIMITS = {
  window: 60,
  /** Calls per token per window. */
  perToken: 300,
  /** Calls per client IP per window, authenticated or not (only when the IP is known). */
  perIp: 1200,
} as const;

export const restRateLimitKeys = {
  token: (tokenId: string) => `rest:token:${tokenId}`,
  ip: (ip: string) => `rest:ip:${ip}`,
};

export type RestCaller = { viewer: Viewer; tokenId: string; audit: AuditContext };

export type RestAuthResult = { ok: true; caller: RestCaller } | { ok: false; response: Response };

/** The email and token of a Basic Authorization header, or null when there is none or it is malformed. */
export function parseBasicAuth(header: string | null): { email: string; token: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]{1,2048})\s*$/i.exec(header);
  if (!match) return null;
  // Buffer's base64 decoder never throws; garbage decodes to garbage, which no token matches.
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { email: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

function unauthorized(message: string = MESSAGES.unauthenticated): Response {
  return jiraError(401, [message], {}, { 'WWW-Authenticate': WWW_AUTHENTICATE });
}

function rateLimited(windowSeconds: number, now: Date): Response {
  const windowMs = windowSeconds * 1000;
  const retryAfter = Math.max(1, Math.ceil((windowMs - (now.getTime() % windowMs)) / 1000));
  return jiraError(429, [MESSAGES.rateLimited(retryAfter)], {}, { 'Retry-After': String(retryAfter) });
}

/**
 * Who is calling, or the response that refuses the call:
 * - 401 (with WWW-Authenticate) without credentials, with wrong, revoked or expired ones, or when
 *   the owner's account is deactivated;
 * - 429 (with Retry-After) past the per-IP or per-token limit;
 * - 403 when the owner is external and the policy blocks API tokens for external users, when their
 *   site access is suspended, or when they are not on the site or hold no role on it.
 */
export async function authenticateRestRequest(db: Db, request: Request, now = new Date()): Promise<RestAuthResult> {
  const ip = clientIp(request.headers);
  const userAgent = request.headers.get('user-agent')?.slice(0, 256) ?? null;
  if (ip) {
    const perIp = await hitRateLimit(db, restRateLimitKeys.ip(ip), REST_RATE_LIMITS.perIp, REST_RATE_LIMITS.window, now);
    if (!perIp.allowed) return { ok: false, response: rateLimited(REST_RATE_LIMITS.window, now) };
  }

  const credentials = parseBasicAuth(request.headers.get('authorization'));
  if (!credentials) return { ok: false, response: unauthorized() };
  const check = await verifyApiToken(db, credentials, now);
  if (!check.ok) return { ok: false, response: unauthorized(check.reason === 'expired' ? MESSAGES.expired : MESSAGES.unauthenticated) };

  const perToken = await hitRateLimit(db, restRateLimitKeys.token(check.tokenId), REST_RATE_LIMITS.perToken, REST_RATE_LIMITS.window, now);
  if (!perToken.allowed) return { ok: false, response: rateLimited(REST_RATE_LIMITS.window, now) };

  const viewer = await loadTokenOwnerViewer(db, check.userId, check.tokenId);
  if (!viewer) return { ok: false, response: unauthorized() };
  if (await apiTokensBlockedFor(db, { external: viewer.external, siteId: viewer.site.id })) {
    return { ok: false, response: jiraError(403, [API_TOKENS_BLOCKED_MESSAGE]) };
  }
  // The policy requires two-step verification and the owner hasn't passed it recently (lib/security/verification.ts).
  if (viewer.verification && viewer.verification !== 'OK') return { ok: false, response: jiraError(403, [verificationRequiredMessage(viewer.verification, 'api-token')]) };
  if (!viewer.siteAccess) return { ok: false, response: jiraError(403, [MESSAGES.noSiteAccess]) };
  if (viewer.siteAccess.suspended) return { ok: false, response: jiraError(403, [MESSAGES.suspended]) };
  // On the user list with no role left (e.g. after Remove access): no usable access, like not being on the site.
  if (!canManageOwnApiTokens(viewer)) return { ok: false, response: jiraError(403, [MESSAGES.noSiteAccess]) };

  await touchApiToken(db, check.tokenId, now);
  return {
    ok: true,
    caller: { viewer, tokenId: check.tokenId, audit: { actorId: viewer.userId, siteId: viewer.site.id, ip, userAgent } },
  };
}
