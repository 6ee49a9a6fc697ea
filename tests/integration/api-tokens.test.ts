import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/lib/db/client';
import { AccessDenied, type Viewer } from '@/lib/access/policy';
import { seedDemo } from '@/prisma/seed';
import {
  API_TOKEN_PREFIX,
  API_TOKENS_BLOCKED_MESSAGE,
  createApiToken,
  CreateApiTokenInput,
  hashApiToken,
  listApiTokens,
  MAX_ACTIVE_API_TOKENS,
  revokeApiToken,
  touchApiToken,
  verifyApiToken,
} from '@/lib/api-tokens';
import { authenticateRestRequest, REST_RATE_LIMITS, restRateLimitKeys, WWW_AUTHENTICATE } from '@/lib/rest/auth';
import { changeSpaceRole } from '@/lib/spaces/people';
import { removeAccess, restoreAccess, suspendAccess } from '@/lib/users/manage';
import { DomainError } from '@/lib/result';
import { GET as getRole } from '@/app/rest/api/3/project/[projectIdOrKey]/role/[id]/route';
import { GET as myself } from '@/app/rest/api/3/myself/route';
import { GET as searchProjects } from '@/app/rest/api/3/project/search/route';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

// The route handlers use the app's Prisma client; point it at this test's database.
const routeContext = vi.hoisted(() => ({ db: null as Db | null }));
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({} as Db, {
    get(_target, property) {
      const value = Reflect.get(routeContext.db!, property);
      return typeof value === 'function' ? value.bind(routeContext.db) : value;
    },
  }),
}));


const CASEY = 'casey.jones@brightagency.io';
const BASE = 'http://localhost:3000';
const DAY = 24 * 60 * 60 * 1000;

let t: TestDatabase;
let alana: Viewer;
let sam: Viewer;
let priya: Viewer;
let casey: Viewer;
let lee: Viewer;

beforeAll(async () => {
  process.env.APP_URL = 'https://portico.example';
  t = await createTestDatabase();
  await seedDemo(t.db);
  routeContext.db = t.db;
  [alana, sam, priya, casey, lee] = await Promise.all(
    ['alana.admin@acme.com', 'sam.rivera@acme.com', 'priya.shah@acme.com', CASEY, 'lee.chen@acme.com'].map((email) => viewerFor(t.db, email)),
  );
});
afterAll(() => t.drop());

const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

function request(path: string, auth: { email: string; token: string } | null, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${path}`, { headers: { ...(auth ? { authorization: basic(auth.email, auth.token) } : {}), ...headers } });
}

const token = async (viewer: Viewer, name = 'script', expiresInDays: number | string = 30, now = new Date()) =>
  createApiToken(t.db, viewer, { name, expiresInDays }, auditOf(viewer), now);

describe('creating a token', () => {
  it('returns a PTC_ token of 32 random bytes once, stores only its SHA-256, and audits without the secret', async () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    const created = await token(alana, '  Release script  ', 30, now);
    expect(created.token).toMatch(/^PTC_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(created.token.slice(4), 'base64url')).toHaveLength(32);
    expect(created.name).toBe('Release script');
    expect(created.expiresAt.toISOString()).toBe('2026-03-31T10:00:00.000Z');

    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashApiToken(created.token));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
    expect(row).toMatchObject({ userId: alana.userId, name: 'Release script', lastUsedAt: null, revokedAt: null });

    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'api_token.created', targetId: created.id } });
    expect(audit).toMatchObject({ actorId: alana.userId, targetUserId: alana.userId, targetType: 'api_token' });
    expect(audit.after).toEqual({ name: 'Release script', expiresAt: '2026-03-31T10:00:00.000Z' });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(row.tokenHash);
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(created.token);

    const again = await token(alana, 'Release script', 30, now);
    expect(again.token).not.toBe(created.token);
  });

  it('expires in 1–365 days, 365 by default; the name is required and at most 100 characters', async () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    const byDefault = await createApiToken(t.db, lee, { name: 'default' }, auditOf(lee), now);
    expect(byDefault.expiresAt.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect((await token(lee, 'one day', '1', now)).expiresAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect((await token(lee, 'a'.repeat(100), 365, now)).name).toHaveLength(100);

    for (const [input, message] of [
      [{ name: '', expiresInDays: 30 }, 'Enter a name for the token.'],
      [{ name: '   ', expiresInDays: 30 }, 'Enter a name for the token.'],
      [{ name: 'a'.repeat(101), expiresInDays: 30 }, 'Keep the name to 100 characters or fewer.'],
      [{ name: 'x', expiresInDays: 0 }, 'Choose an expiry between 1 and 365 days.'],
      [{ name: 'x', expiresInDays: 366 }, 'Choose an expiry between 1 and 365 days.'],
      [{ name: 'x', expiresInDays: 1.5 }, 'Choose an expiry between 1 and 365 days.'],
      [{ name: 'x', expiresInDays: 'soon' }, 'Choose an expiry between 1 and 365 days.'],
    ] as const) {
      expect(CreateApiTokenInput.safeParse(input).error?.issues[0]?.message).toBe(message);
      await expect(createApiToken(t.db, lee, input as never, auditOf(lee), now)).rejects.toMatchObject({ code: 'INVALID_INPUT', message });
    }
  });

  it(`refuses more than ${MAX_ACTIVE_API_TOKENS} active tokens per person`, async () => {
    const omar = await viewerFor(t.db, 'omar.haddad@acme.com');
    for (let i = 0; i < MAX_ACTIVE_API_TOKENS; i++) await token(omar, `t${i}`);
    await expect(token(omar, 'one too many')).rejects.toMatchObject({ code: 'REFUSED' });
    const [first] = await listApiTokens(t.db, omar);
    await revokeApiToken(t.db, omar, first.id, auditOf(omar));
    await expect(token(omar, 'fits again')).resolves.toMatchObject({ name: 'fits again' });
    await t.db.apiToken.updateMany({ where: { userId: omar.userId, revokedAt: null }, data: { revokedAt: new Date() } });
  });
});

describe('listing and revoking', () => {
  it('lists only the owner’s unrevoked tokens, newest first, expired ones marked', async () => {
    const now = new Date('2026-05-01T00:00:00.000Z');
    const old = await token(priya, 'old', 1, new Date('2026-04-01T00:00:00.000Z'));
    const current = await token(priya, 'current', 30, new Date('2026-04-20T00:00:00.000Z'));
    const revoked = await token(priya, 'revoked', 30, new Date('2026-04-25T00:00:00.000Z'));
    await revokeApiToken(t.db, priya, revoked.id, auditOf(priya), now);
    await token(sam, 'not priya’s');
    const rows = await listApiTokens(t.db, priya, now);
    expect(rows.map((r) => [r.name, r.expired])).toEqual([
      ['current', false],
      ['old', true],
    ]);
    expect(rows[0]).toEqual({ id: current.id, name: 'current', createdAt: current.createdAt, lastUsedAt: null, expiresAt: current.expiresAt, expired: false });
    expect(rows[1].id).toBe(old.id);
  });

  it('revokes one’s own token (audited); someone else’s or an already revoked one is "not found"', async () => {
    const mine = await token(sam, 'mine');
    const theirs = await token(lee, 'theirs');
    await expect(revokeApiToken(t.db, sam, theirs.id, auditOf(sam))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull();

    expect(await revokeApiToken(t.db, sam, mine.id, auditOf(sam))).toEqual({ name: 'mine' });
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: mine.id } })).revokedAt).toBeInstanceOf(Date);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'api_token.revoked', targetId: mine.id } });
    expect(audit).toMatchObject({ actorId: sam.userId, targetUserId: sam.userId, targetType: 'api_token' });
    await expect(revokeApiToken(t.db, sam, mine.id, auditOf(sam))).rejects.toBeInstanceOf(DomainError);

    // The revoked token stops working on the next call.
    expect(await verifyApiToken(t.db, { email: sam.email, token: mine.token })).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('verifying email + token', () => {
  it('accepts the owner’s address in any case or spacing, and nothing else', async () => {
    const created = await token(alana, 'verify');
    const ok = { ok: true, tokenId: created.id, userId: alana.userId };
    expect(await verifyApiToken(t.db, { email: 'alana.admin@acme.com', token: created.token })).toEqual(ok);
    expect(await verifyApiToken(t.db, { email: '  ALANA.Admin@ACME.com ', token: created.token })).toEqual(ok);
    const invalid = { ok: false, reason: 'invalid' };
    expect(await verifyApiToken(t.db, { email: 'sam.rivera@acme.com', token: created.token })).toEqual(invalid);
    expect(await verifyApiToken(t.db, { email: 'nobody@acme.com', token: created.token })).toEqual(invalid);
    const flipped = created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A');
    expect(await verifyApiToken(t.db, { email: 'alana.admin@acme.com', token: flipped })).toEqual(invalid);
    expect(await verifyApiToken(t.db, { email: 'alana.admin@acme.com', token: hashApiToken(created.token) })).toEqual(invalid);
    expect(await verifyApiToken(t.db, { email: 'not an email', token: created.token })).toEqual(invalid);
    expect(await verifyApiToken(t.db, { email: 'alana.admin@acme.com', token: '' })).toEqual(invalid);
  });

  it('refuses an expired token, saying so', async () => {
    const created = await token(alana, 'short', 1, new Date(Date.now() - 2 * DAY));
    expect(await verifyApiToken(t.db, { email: alana.email, token: created.token })).toEqual({ ok: false, reason: 'expired' });
    const response = await myself(request('/rest/api/3/myself', { email: alana.email, token: created.token }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errorMessages: ['Your API token has expired. Create a new one in Account settings → Security → API tokens.'],
      errors: {},
    });
  });

  it('records the last use at most once a minute', async () => {
    const created = await token(lee, 'busy');
    const t0 = new Date(Date.now() + 1000);
    const lastUsed = async () => (await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt?.toISOString() ?? null;
    const auth = { email: lee.email, token: created.token };
    expect((await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), t0)).ok).toBe(true);
    expect(await lastUsed()).toBe(t0.toISOString());
    await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), new Date(t0.getTime() + 30_000));
    expect(await lastUsed()).toBe(t0.toISOString());
    await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), new Date(t0.getTime() + 59_999));
    expect(await lastUsed()).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + 61_000);
    await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), t1);
    expect(await lastUsed()).toBe(t1.toISOString());
    // touchApiToken alone follows the same rule.
    await touchApiToken(t.db, created.id, new Date(t1.getTime() + 1000));
    expect(await lastUsed()).toBe(t1.toISOString());
    // A refused call is not a use.
    const other = await token(lee, 'unused');
    await authenticateRestRequest(t.db, request('/rest/api/3/myself', { email: 'sam.rivera@acme.com', token: other.token }));
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: other.id } })).lastUsedAt).toBeNull();
  });
});

describe('HTTP Basic on the REST API', () => {
  it('answers 401 with WWW-Authenticate and a Jira error body without, or with wrong, credentials', async () => {
    const created = await token(alana, 'rest');
    for (const req of [
      request('/rest/api/3/myself', null),
      request('/rest/api/3/myself', null, { authorization: 'Bearer abc' }),
      request('/rest/api/3/myself', null, { authorization: 'Basic !!!' }),
      request('/rest/api/3/myself', { email: alana.email, token: 'PTC_wrong' }),
      request('/rest/api/3/myself', { email: 'sam.rivera@acme.com', token: created.token }),
      request('/rest/api/3/myself', null, { authorization: `Basic ${Buffer.from(created.token).toString('base64')}` }),
    ]) {
      const response = await myself(req);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
    }
    const response = await myself(request('/rest/api/3/myself', { email: alana.email, token: created.token }));
    expect(response.status).toBe(200);
  });

  it('answers 403 for a token whose owner is not on the site', async () => {
    const dana = await t.db.user.findUniqueOrThrow({ where: { email: 'dana.kim@pixelworks.studio' } });
    const raw = 'PTC_' + 'd'.repeat(43);
    await t.db.apiToken.create({ data: { userId: dana.id, name: 'stray', tokenHash: hashApiToken(raw), expiresAt: new Date(Date.now() + DAY) } });
    const response = await myself(request('/rest/api/3/myself', { email: dana.email, token: raw }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errorMessages: ["You don't have access to this site."], errors: {} });
  });

  it('rate-limits per token: 429 with Retry-After and a JSON body past the limit, in PostgreSQL', async () => {
    const created = await token(sam, 'limited');
    const now = new Date('2026-06-01T12:00:15.000Z');
    const auth = { email: sam.email, token: created.token };
    await t.db.rateLimit.create({ data: { key: restRateLimitKeys.token(created.id), windowStart: new Date('2026-06-01T12:00:00.000Z'), count: REST_RATE_LIMITS.perToken - 1 } });
    expect((await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), now)).ok).toBe(true);
    const refused = await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), now);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('retry-after')).toBe('45');
    expect(await refused.response.json()).toEqual({ errorMessages: ['Rate limit exceeded. Try again in 45 seconds.'], errors: {} });
    // The next window starts afresh; another token of the same person has its own counter.
    expect((await authenticateRestRequest(t.db, request('/rest/api/3/myself', auth), new Date('2026-06-01T12:01:00.000Z'))).ok).toBe(true);
    const second = await token(sam, 'second');
    expect((await authenticateRestRequest(t.db, request('/rest/api/3/myself', { email: sam.email, token: second.token }), now)).ok).toBe(true);
  });

  it('rate-limits per client IP, before looking at credentials', async () => {
    const now = new Date('2026-06-02T08:00:50.000Z');
    await t.db.rateLimit.create({ data: { key: restRateLimitKeys.ip('198.51.100.9'), windowStart: new Date('2026-06-02T08:00:00.000Z'), count: REST_RATE_LIMITS.perIp } });
    const refused = await authenticateRestRequest(t.db, request('/rest/api/3/myself', null, { 'x-forwarded-for': '198.51.100.9' }), now);
    expect(refused.ok || refused.response.status).toBe(429);
    if (!refused.ok) expect(refused.response.headers.get('retry-after')).toBe('10');
    const other = await authenticateRestRequest(t.db, request('/rest/api/3/myself', null, { 'x-forwarded-for': '198.51.100.10' }), now);
    expect(other.ok || other.response.status).toBe(401);
  });

  it('blocks an external owner’s tokens on the next call when the policy says Block, and lets them through again on Allow', async () => {
    const guestToken = await token(casey, 'agency sync');
    const adminToken = await token(alana, 'admin sync');
    const call = (email: string, raw: string) => myself(request('/rest/api/3/myself', { email, token: raw }));
    expect((await call(CASEY, guestToken.token)).status).toBe(200);

    const org = await t.db.organization.findFirstOrThrow();
    await t.db.externalUserPolicy.update({ where: { organizationId: org.id }, data: { apiTokensAllowed: false } });
    const blocked = await call(CASEY, guestToken.token);
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toEqual({ errorMessages: [API_TOKENS_BLOCKED_MESSAGE], errors: {} });
    expect(API_TOKENS_BLOCKED_MESSAGE).toBe('Your organization admin has blocked API token access for external users.');
    // Internal people are not external users.
    expect((await call(alana.email, adminToken.token)).status).toBe(200);
    // Another endpoint is refused the same way.
    expect((await searchProjects(request('/rest/api/3/project/search', { email: CASEY, token: guestToken.token }))).status).toBe(403);

    await t.db.externalUserPolicy.update({ where: { organizationId: org.id }, data: { apiTokensAllowed: true } });
    expect((await call(CASEY, guestToken.token)).status).toBe(200);
  });
});

describe('a token carries its owner’s rights at the moment of the call', () => {
  it('a role change in the space shows on the very next call with the same token', async () => {
    const created = await token(sam, 'roles');
    const call = () => getRole(request('/rest/api/3/project/ENG/role/10002', { email: sam.email, token: created.token }), {
      params: Promise.resolve({ projectIdOrKey: 'ENG', id: '10002' }),
    });
    // Sam is a Viewer of ENG: he may browse it but not read its roles.
    const before = await call();
    expect(before.status).toBe(403);
    expect(await before.json()).toEqual({ errorMessages: ['You cannot edit the configuration of this project.'], errors: {} });

    await changeSpaceRole(t.db, priya, 'ENG', { userId: sam.userId, role: 'ADMINISTRATOR' }, auditOf(priya));
    const promoted = await call();
    expect(promoted.status).toBe(200);
    expect((await promoted.json()).actors.map((a: { displayName: string }) => a.displayName)).toEqual(['Priya Shah', 'Sam Rivera']);

    await changeSpaceRole(t.db, priya, 'ENG', { userId: sam.userId, role: 'VIEWER' }, auditOf(priya));
    expect((await call()).status).toBe(403);
  });

  it('suspension answers 403 and restoring lets the same token work again; a deactivated account is 401; Remove access revokes it', async () => {
    const created = await token(lee, 'lifecycle');
    const call = () => myself(request('/rest/api/3/myself', { email: lee.email, token: created.token }));
    expect((await call()).status).toBe(200);

    await suspendAccess(t.db, alana, lee.userId, auditOf(alana));
    const suspended = await call();
    expect(suspended.status).toBe(403);
    expect(await suspended.json()).toEqual({ errorMessages: ['Your access to this site is suspended. Contact your site admin.'], errors: {} });
    await restoreAccess(t.db, alana, lee.userId, auditOf(alana));
    expect((await call()).status).toBe(200);

    await t.db.user.update({ where: { id: lee.userId }, data: { active: false } });
    expect((await call()).status).toBe(401);
    await t.db.user.update({ where: { id: lee.userId }, data: { active: true } });
    expect((await call()).status).toBe(200);

    await removeAccess(t.db, alana, lee.userId, auditOf(alana));
    const removed = await call();
    expect(removed.status).toBe(401);
    expect(await listApiTokens(t.db, lee)).toEqual([]);
    // Still on the user list but with no role: can't create a token, and one that slipped in is refused.
    const leeNow = await viewerFor(t.db, lee.email);
    await expect(token(leeNow, 'after removal')).rejects.toBeInstanceOf(AccessDenied);
    const raw = 'PTC_' + 'x'.repeat(43);
    await t.db.apiToken.create({ data: { userId: lee.userId, name: 'stray', tokenHash: hashApiToken(raw), expiresAt: new Date(Date.now() + DAY) } });
    const stray = await myself(request('/rest/api/3/myself', { email: lee.email, token: raw }));
    expect(stray.status).toBe(403);
    expect(await stray.json()).toEqual({ errorMessages: ["You don't have access to this site."], errors: {} });
  });
});
