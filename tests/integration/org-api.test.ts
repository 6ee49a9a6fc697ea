import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/lib/db/client';
import { AccessDenied, type Viewer } from '@/lib/access/policy';
import { seedDemo } from '@/prisma/seed';
import { DomainError } from '@/lib/result';
import {
  createOrgApiKey,
  generateOrgApiKey,
  hashOrgApiKey,
  listOrgApiKeys,
  ORG_API_KEY_PREFIX,
  revokeOrgApiKey,
} from '@/lib/org-api/keys';
import { ORG_API_RATE_LIMITS, orgApiRateLimitKeys } from '@/lib/org-api/auth';
import { ORG_API_MESSAGES } from '@/lib/org-api/errors';
import * as inviteRoute from '@/app/admin/v2/orgs/[orgId]/users/invite/route';
import * as searchRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/search/route';
import * as v2UserRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/route';
import * as v2SuspendRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/suspend/route';
import * as v2RestoreRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/restore/route';
import * as assignRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/assign/route';
import * as revokeRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/revoke/route';
import * as suspendRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/suspend/route';
import * as restoreRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/restore/route';
import * as userRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/route';
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

const APP = 'https://portico.example';
const CLIENT = { ip: '203.0.113.7', userAgent: 'org-api-test/1.0' };

// ---------------------------------------------------------------------------------------------
// A router like Next's for the handlers under app/admin (static segments before dynamic ones).

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ORG = String.raw`\/admin\/v[12]\/orgs\/([^/]+)`;
const ROUTES: [RegExp, string[], object][] = [
  [new RegExp(`^${ORG}/users/invite$`), ['orgId'], inviteRoute],
  [new RegExp(`^${ORG}/directories/([^/]+)/users/search$`), ['orgId', 'directoryId'], searchRoute],
  [new RegExp(`^${ORG}/directories/([^/]+)/users/([^/]+)/suspend$`), ['orgId', 'directoryId', 'accountId'], v2SuspendRoute],
  [new RegExp(`^${ORG}/directories/([^/]+)/users/([^/]+)/restore$`), ['orgId', 'directoryId', 'accountId'], v2RestoreRoute],
  [new RegExp(`^${ORG}/directories/([^/]+)/users/([^/]+)$`), ['orgId', 'directoryId', 'accountId'], v2UserRoute],
  [new RegExp(`^${ORG}/users/([^/]+)/roles/assign$`), ['orgId', 'accountId'], assignRoute],
  [new RegExp(`^${ORG}/users/([^/]+)/roles/revoke$`), ['orgId', 'accountId'], revokeRoute],
  [new RegExp(`^${ORG}/users/([^/]+)/suspend$`), ['orgId', 'accountId'], suspendRoute],
  [new RegExp(`^${ORG}/users/([^/]+)/restore$`), ['orgId', 'accountId'], restoreRoute],
  [new RegExp(`^${ORG}/users/([^/]+)$`), ['orgId', 'accountId'], userRoute],
];

async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  for (const [pattern, names, module] of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    // v1 and v2 share the patterns above; each file serves one version.
    const handler = (module as Record<string, Handler | undefined>)[request.method];
    if (!handler) return new Response(null, { status: 405 });
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response('Not found', { status: 404 });
}

type Call = { status: number; headers: Headers; json: unknown };

async function api(method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Call> {
  const response = await dispatch(
    new Request(`${APP}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'user-agent': CLIENT.userAgent,
        'x-forwarded-for': CLIENT.ip,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : null };
}

const errorBody = (status: number, ...details: string[]) => ({
  errors: details.map((detail) => ({ status: String(status), code: `ADMIN-${status}`, title: TITLES[status], detail })),
});
const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 415: 'Unsupported Media Type', 429: 'Too Many Requests' };

// ---------------------------------------------------------------------------------------------

const EMAIL = {
  alana: 'alana.admin@acme.com',
  sam: 'sam.rivera@acme.com',
  priya: 'priya.shah@acme.com',
  lee: 'lee.chen@acme.com',
  omar: 'omar.haddad@acme.com',
  casey: 'casey.jones@brightagency.io',
  jordan: 'jordan.blake@northwind-consulting.com',
  dana: 'dana.kim@pixelworks.studio',
  taylor: 'taylor.morgan@clientco.com',
} as const;
type Person = keyof typeof EMAIL;

let t: TestDatabase;
let alana: Viewer;
let sam: Viewer;
let orgId: string;
let siteId: string;
let resource: string;
let key: string;
let keyId: string;
const ids = {} as Record<Person, string>;

const v1 = (path = '') => `/admin/v1/orgs/${orgId}${path}`;
const v2 = (path = '') => `/admin/v2/orgs/${orgId}${path}`;
const lastAudit = (action: string) => t.db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } });
const jiraRoleOf = async (person: Person) =>
  (await t.db.appRole.findFirst({ where: { userId: ids[person], app: { kind: 'JIRA' } }, select: { role: true } }))?.role ?? null;
const actedByAlanaOnThisCall = { actorId: '', ip: CLIENT.ip, userAgent: CLIENT.userAgent };

beforeAll(async () => {
  process.env.APP_URL = APP;
  t = await createTestDatabase();
  await seedDemo(t.db);
  routeContext.db = t.db;
  [alana, sam] = await Promise.all([viewerFor(t.db, EMAIL.alana), viewerFor(t.db, EMAIL.sam)]);
  for (const person of Object.keys(EMAIL) as Person[]) {
    const user = await t.db.user.findUnique({ where: { email: EMAIL[person] }, select: { id: true } });
    if (user) ids[person] = user.id;
  }
  siteId = alana.site.id;
  orgId = (await t.db.site.findUniqueOrThrow({ where: { id: siteId } })).organizationId;
  resource = `ari:cloud:jira::site/${siteId}`;
  actedByAlanaOnThisCall.actorId = alana.userId;
  const created = await createOrgApiKey(t.db, alana, { name: 'Provisioning', expiresInDays: 30 }, auditOf(alana));
  key = created.key;
  keyId = created.id;
});
afterAll(async () => {
  await t.drop();
});

// ---------------------------------------------------------------------------------------------

describe('organization API keys (Settings → API keys)', () => {
  it('creates a PTCORG_ key of 32 random bytes, shown once; stores only its SHA-256; audits without the secret', async () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    const created = await createOrgApiKey(t.db, alana, { name: '  Nightly sync  ', expiresInDays: '90' }, auditOf(alana), now);
    expect(created.key).toMatch(/^PTCORG_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(ORG_API_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(created.key.slice(ORG_API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(created).toMatchObject({ name: 'Nightly sync', organizationId: orgId, expiresAt: new Date('2026-05-30T10:00:00.000Z') });

    const row = await t.db.orgApiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ organizationId: orgId, createdById: alana.userId, revokedAt: null, lastUsedAt: null });
    expect(row.tokenHash).toBe(crypto.createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(ORG_API_KEY_PREFIX.length));

    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'org_api_key.created', targetId: created.id } });
    expect(audit).toMatchObject({ actorId: alana.userId, siteId, targetType: 'org_api_key', after: { name: 'Nightly sync', expiresAt: '2026-05-30T10:00:00.000Z' } });
    expect(JSON.stringify(audit.after)).not.toContain(created.key);
  });

  it('refuses a missing or long name and an expiry outside 1–365 days; only site admins manage keys', async () => {
    const refusal = async (input: { name: string; expiresInDays?: number | string }) => {
      const error = await createOrgApiKey(t.db, alana, input, auditOf(alana)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      return (error as DomainError).message;
    };
    expect(await refusal({ name: '   ' })).toBe('Enter a name for the API key.');
    expect(await refusal({ name: 'x'.repeat(101) })).toBe('Keep the name to 100 characters or fewer.');
    expect(await refusal({ name: 'ok', expiresInDays: 0 })).toBe('Choose an expiry between 1 and 365 days.');
    expect(await refusal({ name: 'ok', expiresInDays: 366 })).toBe('Choose an expiry between 1 and 365 days.');
    expect(await refusal({ name: 'ok', expiresInDays: '2.5' })).toBe('Choose an expiry between 1 and 365 days.');

    await expect(createOrgApiKey(t.db, sam, { name: 'mine' }, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
    await expect(listOrgApiKeys(t.db, sam)).rejects.toBeInstanceOf(AccessDenied);
    await expect(revokeOrgApiKey(t.db, sam, keyId, auditOf(sam))).rejects.toBeInstanceOf(AccessDenied);
  });

  it('lists name, created by, created, last used and expires; a call records its last use', async () => {
    const before = (await listOrgApiKeys(t.db, alana)).find((row) => row.id === keyId)!;
    expect(before).toMatchObject({ name: 'Provisioning', createdBy: { name: 'Alana Admin', email: EMAIL.alana }, creatorIsSiteAdmin: true, expired: false });
    expect((await api('POST', v2('/directories/-/users/search'), key, { limit: 1 })).status).toBe(200);
    const after = (await listOrgApiKeys(t.db, alana)).find((row) => row.id === keyId)!;
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });

  it('revoking (audited) stops the key at its next call; an expired key is refused too', async () => {
    const doomed = await createOrgApiKey(t.db, alana, { name: 'Doomed', expiresInDays: 1 }, auditOf(alana));
    expect((await api('POST', v2('/directories/-/users/search'), doomed.key, {})).status).toBe(200);
    expect(await revokeOrgApiKey(t.db, alana, doomed.id, auditOf(alana))).toEqual({ name: 'Doomed' });
    expect(await lastAudit('org_api_key.revoked')).toMatchObject({
      actorId: alana.userId,
      targetId: doomed.id,
      before: { name: 'Doomed', revokedAt: null },
    });
    expect((await listOrgApiKeys(t.db, alana)).map((row) => row.id)).not.toContain(doomed.id);
    const revoked = await api('POST', v2('/directories/-/users/search'), doomed.key, {});
    expect(revoked.status).toBe(401);
    expect(revoked.json).toEqual(errorBody(401, ORG_API_MESSAGES.unauthenticated));
    await expect(revokeOrgApiKey(t.db, alana, doomed.id, auditOf(alana))).rejects.toThrow("That API key doesn't exist or was already revoked.");

    const old = await createOrgApiKey(t.db, alana, { name: 'Old', expiresInDays: 1 }, auditOf(alana), new Date(Date.now() - 2 * 86_400_000));
    const expired = await api('POST', v2('/directories/-/users/search'), old.key, {});
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual(errorBody(401, ORG_API_MESSAGES.expired));
    expect((await listOrgApiKeys(t.db, alana)).find((row) => row.id === old.id)?.expired).toBe(true);
  });
});

describe('authorization: Bearer key of the organization in the path, acting as a current site admin', () => {
  it('401 without a key, with a malformed or unknown one (Atlassian-style error body, WWW-Authenticate)', async () => {
    const none = await api('POST', v2('/directories/-/users/search'), null, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(none.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(none.json).toEqual(errorBody(401, ORG_API_MESSAGES.unauthenticated));
    for (const bad of ['not-a-key', generateOrgApiKey(), `${key}x`]) {
      expect((await api('POST', v2('/directories/-/users/search'), bad, {})).status).toBe(401);
    }
    // A user's own REST API token (HTTP Basic) is not an organization key.
    const basic = await api('POST', v2('/directories/-/users/search'), null, {}, { authorization: `Basic ${Buffer.from(`${EMAIL.alana}:${key}`).toString('base64')}` });
    expect(basic.status).toBe(401);
  });

  it('404 for another organization in the path, and for a key of an organization this site is not in', async () => {
    const wrongOrg = await api('POST', `/admin/v2/orgs/not-our-org/directories/-/users/search`, key, {});
    expect(wrongOrg.status).toBe(404);
    expect(wrongOrg.json).toEqual(errorBody(404, ORG_API_MESSAGES.orgNotFound('not-our-org')));
    expect((await api('DELETE', `/admin/v1/orgs/not-our-org/users/${ids.casey}`, key)).status).toBe(404);
    expect(await jiraRoleOf('casey')).toBe('GUEST');

    const other = await t.db.organization.create({ data: { name: 'Elsewhere' } });
    const foreignKey = generateOrgApiKey();
    await t.db.orgApiKey.create({
      data: { organizationId: other.id, name: 'foreign', tokenHash: hashOrgApiKey(foreignKey), createdById: alana.userId, expiresAt: new Date(Date.now() + 86_400_000) },
    });
    expect((await api('POST', `/admin/v2/orgs/${other.id}/directories/-/users/search`, foreignKey, {})).status).toBe(404);
    expect((await api('POST', v2('/directories/-/users/search'), foreignKey, {})).status).toBe(404);
  });

  it("401 once the key's creator is no longer an active site admin (demoted, suspended, deactivated)", async () => {
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: ids.priya } }, data: { isSiteAdmin: true } });
    const priya = await viewerFor(t.db, EMAIL.priya);
    const { key: priyaKey } = await createOrgApiKey(t.db, priya, { name: 'Priya script' }, auditOf(priya));
    const search = () => api('POST', v2('/directories/-/users/search'), priyaKey, { limit: 1 });
    expect((await search()).status).toBe(200);

    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: ids.priya } }, data: { isSiteAdmin: false } });
    const demoted = await search();
    expect(demoted.status).toBe(401);
    expect(demoted.json).toEqual(errorBody(401, ORG_API_MESSAGES.creatorNotAdmin));
    expect((await listOrgApiKeys(t.db, alana)).find((row) => row.name === 'Priya script')?.creatorIsSiteAdmin).toBe(false);
    // Nothing a demoted creator's key asks for happens.
    expect((await api('POST', v1(`/users/${ids.lee}/suspend`), priyaKey)).status).toBe(401);
    expect((await t.db.siteUser.findUniqueOrThrow({ where: { siteId_userId: { siteId, userId: ids.lee } } })).suspendedAt).toBeNull();

    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: ids.priya } }, data: { isSiteAdmin: true, suspendedAt: new Date() } });
    expect((await search()).status).toBe(401);
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: ids.priya } }, data: { suspendedAt: null } });
    await t.db.user.update({ where: { id: ids.priya }, data: { active: false } });
    expect((await search()).status).toBe(401);
    await t.db.user.update({ where: { id: ids.priya }, data: { active: true } });
    expect((await search()).status).toBe(200);
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: ids.priya } }, data: { isSiteAdmin: false } });
  });

  it('429 with Retry-After past the per-key limit', async () => {
    const limited = await createOrgApiKey(t.db, alana, { name: 'Busy' }, auditOf(alana));
    const windowMs = ORG_API_RATE_LIMITS.window * 1000;
    const start = Math.floor(Date.now() / windowMs) * windowMs;
    await t.db.rateLimit.createMany({
      data: [start, start + windowMs].map((at) => ({ key: orgApiRateLimitKeys.key(limited.id), windowStart: new Date(at), count: ORG_API_RATE_LIMITS.perKey })),
    });
    const res = await api('POST', v2('/directories/-/users/search'), limited.key, {});
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((res.json as { errors: { title: string }[] }).errors[0].title).toBe('Too Many Requests');
  });
});

describe('POST /admin/v2/orgs/{orgId}/users/invite', () => {
  const rule = (role: string) => [{ resource, role }];

  it('invites an external guest through Grant access: invitation, email with the notification text, audit by the key’s creator', async () => {
    const res = await api('POST', v2('/users/invite'), key, {
      emails: ['Quinn.New@PartnerCo.io'],
      permissionRules: rule('atlassian/guest'),
      notificationText: 'Welcome to the launch!',
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      data: [
        {
          email: 'quinn.new@partnerco.io',
          results: [{ roleAssignmentResult: [{ resource, role: 'atlassian/guest', status: 'INVITED', statusReason: 'Invited as a guest.' }] }],
        },
      ],
    });
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'quinn.new@partnerco.io' } });
    expect(invitation).toMatchObject({ state: 'PENDING', role: 'GUEST', invitedById: alana.userId, personalMessage: 'Welcome to the launch!' });
    const email = await t.db.outboxEmail.findFirstOrThrow({ where: { invitationId: invitation.id } });
    expect(email).toMatchObject({ template: 'invitation', state: 'PENDING', payload: { personalMessage: 'Welcome to the launch!', inviterName: 'Alana Admin' } });
    expect(await lastAudit('invitation.created')).toMatchObject({ ...actedByAlanaOnThisCall, targetId: invitation.id });
  });

  it('refuses an internal address as a guest (400 with the domain message); a mixed batch is 200 with a result per address', async () => {
    const internal = await api('POST', v2('/users/invite'), key, { emails: ['new.hire@acme.com'], permissionRules: rule('atlassian/guest') });
    expect(internal.status).toBe(400);
    expect(internal.json).toEqual(
      errorBody(400, "new.hire@acme.com: acme.com is one of your organization's verified domains, so this person can't be a guest. Invite them as a User instead."),
    );
    expect(await t.db.invitation.count({ where: { email: 'new.hire@acme.com' } })).toBe(0);

    const mixed = await api('POST', v2('/users/invite'), key, { emails: [EMAIL.dana, 'other.hire@acme.com'], permissionRules: rule('atlassian/guest') });
    expect(mixed.status).toBe(200);
    expect(mixed.json).toEqual({
      data: [
        { id: ids.dana, email: EMAIL.dana, results: [{ roleAssignmentResult: [{ resource, role: 'atlassian/guest', status: 'INVITED', statusReason: 'Invited as a guest.' }] }] },
        {
          email: 'other.hire@acme.com',
          results: [
            {
              roleAssignmentResult: [
                {
                  resource,
                  role: 'atlassian/guest',
                  status: 'ERROR',
                  statusReason: "acme.com is one of your organization's verified domains, so this person can't be a guest. Invite them as a User instead.",
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('a pending invitation is sent again only when sendNotification is explicitly true; false is refused', async () => {
    const before = await t.db.invitation.findFirstOrThrow({ where: { email: EMAIL.taylor } });
    const skipped = await api('POST', v2('/users/invite'), key, { emails: [EMAIL.taylor], permissionRules: rule('atlassian/guest') });
    expect(skipped.status).toBe(200);
    expect((skipped.json as { data: { results: { roleAssignmentResult: unknown[] }[] }[] }).data[0].results[0].roleAssignmentResult).toEqual([
      { resource, role: 'atlassian/guest', status: 'SKIPPED', statusReason: 'Already invited. Nothing was sent.' },
    ]);
    expect((await t.db.invitation.findUniqueOrThrow({ where: { id: before.id } })).tokenHash).toBe(before.tokenHash);

    const resent = await api('POST', v2('/users/invite'), key, { emails: [EMAIL.taylor], permissionRules: rule('atlassian/guest'), sendNotification: true });
    expect(resent.status).toBe(200);
    expect((resent.json as { data: { results: { roleAssignmentResult: { status: string }[] }[] }[] }).data[0].results[0].roleAssignmentResult[0].status).toBe('RESENT');
    expect((await t.db.invitation.findUniqueOrThrow({ where: { id: before.id } })).tokenHash).not.toBe(before.tokenHash);
    expect(await lastAudit('invitation.resent')).toMatchObject({ ...actedByAlanaOnThisCall, targetId: before.id });

    const silent = await api('POST', v2('/users/invite'), key, { emails: ['silent@partnerco.io'], permissionRules: rule('atlassian/guest'), sendNotification: false });
    expect(silent.status).toBe(400);
    expect(await t.db.invitation.count({ where: { email: 'silent@partnerco.io' } })).toBe(0);
  });

  it('400 for a body it cannot honour: no rule, another resource, an unsupported role, two roles, groups, unknown fields, bad emails; 415 without JSON', async () => {
    const detailOf = async (body: unknown) => {
      const res = await api('POST', v2('/users/invite'), key, body);
      expect(res.status).toBe(400);
      return (res.json as { errors: { detail: string }[] }).errors[0].detail;
    };
    expect(await detailOf({ emails: ['a@partnerco.io'] })).toBe(
      `permissionRules: give one rule for the site's Jira, e.g. {"resource": "${resource}", "role": "atlassian/guest"}.`,
    );
    expect(await detailOf({ emails: ['a@partnerco.io'], permissionRules: [{ resource: 'ari:cloud:confluence::site/x', role: 'atlassian/guest' }] })).toBe(
      `Unknown resource 'ari:cloud:confluence::site/x'. This API manages access to the site's Jira: use '${resource}'.`,
    );
    expect(await detailOf({ emails: ['a@partnerco.io'], permissionRules: rule('atlassian/viewer') })).toMatch(/^Unsupported role 'atlassian\/viewer'/);
    expect(await detailOf({ emails: ['a@partnerco.io'], permissionRules: [...rule('atlassian/guest'), ...rule('atlassian/user')] })).toMatch(/give one role for Jira/);
    expect(await detailOf({ emails: ['a@partnerco.io'], permissionRules: rule('atlassian/guest'), additionalGroups: ['jira-users'] })).toMatch(/^additionalGroups: /);
    expect(await detailOf({ emails: ['a@partnerco.io'], permissionRules: rule('atlassian/guest'), role: 'x' })).toMatch(/^Unrecognized key/);
    expect(await detailOf({ emails: [], permissionRules: rule('atlassian/guest') })).toBe('emails: Give at least one email address.');
    expect(await detailOf({ emails: ['not an address'], permissionRules: rule('atlassian/guest') })).toBe("not an address isn't a valid email address.");
    const form = await api('POST', v2('/users/invite'), key, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });
});

describe('POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search', () => {
  type Page = { data: { accountId: string; name: string; role: string | null; guest: boolean; status: string; space?: unknown }[]; links: { self: string | null; next: string | null } };
  const search = async (body: unknown, directory = '-') => {
    const res = await api('POST', v2(`/directories/${directory}/users/search`), key, body);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as Page;
  };
  const names = (page: Page) => page.data.map((user) => user.name).sort();

  it('returns the people on the site (not pending invitations) as directory users; guests carry role atlassian/guest', async () => {
    const page = await search({});
    expect(names(page)).toEqual(['Alana Admin', 'Casey Jones', 'Jordan Blake', 'Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera']);
    expect(page.links).toEqual({ self: null, next: null });
    const casey = page.data.find((user) => user.accountId === ids.casey);
    expect(casey).toEqual({
      accountId: ids.casey,
      accountType: 'atlassian',
      status: 'active',
      membershipStatus: 'active',
      addedToOrg: expect.any(String),
      name: 'Casey Jones',
      email: EMAIL.casey,
      claimStatus: 'unmanaged',
      role: 'atlassian/guest',
      guest: true,
      siteAdmin: false,
      space: { key: 'MKT', name: 'Marketing' },
      productAccess: [{ key: 'jira', id: resource }],
    });
    expect(page.data.find((user) => user.accountId === alana.userId)).toMatchObject({ role: 'atlassian/admin', guest: false, siteAdmin: true, claimStatus: 'managed' });
    // The site id names the same (only) directory; an empty body is every filter left out.
    expect(names(await search({}, siteId))).toEqual(names(page));
    const noBody = await api('POST', v2('/directories/-/users/search'), key);
    expect(noBody.status).toBe(200);
  });

  it('filters by role, status and search term, and pages with a cursor', async () => {
    expect(names(await search({ roleIds: ['atlassian/guest'] }))).toEqual(['Casey Jones', 'Jordan Blake']);
    expect(names(await search({ roleIds: ['atlassian/user'], searchTerm: 'sam' }))).toEqual(['Sam Rivera']);
    expect(names(await search({ status: ['suspended'] }))).toEqual([]);
    expect(names(await search({ status: ['active', 'suspended'], searchTerm: 'brightagency' }))).toEqual(['Casey Jones']);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(3);
      expect(page.links.self).toBe(cursor);
      seen.push(...page.data.map((user) => user.name));
      cursor = page.links.next;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual(names(await search({})));
    expect(pages).toBe(3);
  });

  it('404 for another directory; 400 for a bad cursor, an unsupported status, two roles, a bad limit', async () => {
    const other = await api('POST', v2('/directories/some-directory/users/search'), key, {});
    expect(other.status).toBe(404);
    expect(other.json).toEqual(errorBody(404, ORG_API_MESSAGES.directoryNotFound('some-directory')));
    for (const body of [{ cursor: 'nope' }, { status: ['deactivated'] }, { roleIds: ['atlassian/guest', 'atlassian/user'] }, { limit: 0 }, { limit: 101 }, { emails: ['x@y.z'] }]) {
      expect((await api('POST', v2('/directories/-/users/search'), key, body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/assign and /roles/revoke', () => {
  const assign = (person: string, role: string, res = resource) => api('POST', v1(`/users/${person}/roles/assign`), key, { role, resource: res });
  const revoke = (person: string, role: string) => api('POST', v1(`/users/${person}/roles/revoke`), key, { role, resource });

  it('assigns through changeJiraRole (204, audited as the key’s creator); the role held already changes nothing', async () => {
    const res = await assign(ids.jordan, 'atlassian/user');
    expect(res).toMatchObject({ status: 204, json: null });
    expect(await jiraRoleOf('jordan')).toBe('USER');
    expect(await lastAudit('user.role.changed')).toMatchObject({ ...actedByAlanaOnThisCall, targetUserId: ids.jordan, before: { jiraRole: 'GUEST' }, after: { jiraRole: 'USER' } });
    const events = await t.db.auditEvent.count({ where: { action: 'user.role.changed' } });
    expect((await assign(ids.jordan, 'atlassian/user')).status).toBe(204);
    expect(await t.db.auditEvent.count({ where: { action: 'user.role.changed' } })).toBe(events);
  });

  it('refuses licensed → guest and an internal address as a guest (400, the screens’ messages), an unknown person (404), another resource (400)', async () => {
    // Jordan (external) is a User now.
    const licensed = await assign(ids.jordan, 'atlassian/guest');
    expect(licensed.status).toBe(400);
    expect(licensed.json).toEqual(errorBody(400, "Jordan Blake is a licensed user. A current or former licensed user can't be changed to a guest."));
    expect(await jiraRoleOf('jordan')).toBe('USER');
    const invited = await api('POST', v2('/users/invite'), key, { emails: [EMAIL.jordan], permissionRules: [{ resource, role: 'atlassian/guest' }] });
    expect(invited.json).toEqual(errorBody(400, `${EMAIL.jordan}: Already a licensed user on this site. A licensed user can't be turned into a guest here.`));

    const internal = await assign(ids.lee, 'atlassian/guest');
    expect(internal.json).toEqual(errorBody(400, `${EMAIL.lee} is in one of your organization's verified domains, so this person can't be a guest.`));
    expect(await jiraRoleOf('lee')).toBe('USER');

    const unknown = await assign('no-such-account', 'atlassian/user');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual(errorBody(404, 'That person is not on this site.'));
    expect((await assign(ids.dana, 'atlassian/user')).status).toBe(404);

    expect((await assign(ids.lee, 'atlassian/admin', 'ari:cloud:jira::site/another-site')).status).toBe(400);
    expect((await api('POST', v1(`/users/${ids.lee}/roles/assign`), key, { role: 'atlassian/user' })).status).toBe(400);
  });

  it('revoke: Admin leaves a User; User from an admin is refused; the role held (User, Guest) is Remove access; another role changes nothing', async () => {
    expect((await assign(ids.sam, 'atlassian/admin')).status).toBe(204);
    const refused = await revoke(ids.sam, 'atlassian/user');
    expect(refused.status).toBe(400);
    expect((refused.json as { errors: { detail: string }[] }).errors[0].detail).toMatch(/^Sam Rivera is a Jira admin\. Revoke atlassian\/admin first/);
    expect((await revoke(ids.sam, 'atlassian/admin')).status).toBe(204);
    expect(await jiraRoleOf('sam')).toBe('USER');

    expect((await revoke(ids.sam, 'atlassian/guest')).status).toBe(204);
    expect(await jiraRoleOf('sam')).toBe('USER');

    expect((await revoke(ids.jordan, 'atlassian/user')).status).toBe(204);
    expect(await jiraRoleOf('jordan')).toBeNull();
    expect(await lastAudit('user.access.removed')).toMatchObject({ ...actedByAlanaOnThisCall, targetUserId: ids.jordan });
    expect((await revoke('no-such-account', 'atlassian/user')).status).toBe(404);
  });
});

describe('suspend, restore and remove', () => {
  const suspendedAt = async (person: Person) => (await t.db.siteUser.findUniqueOrThrow({ where: { siteId_userId: { siteId, userId: ids[person] } } })).suspendedAt;

  it('v1 suspend and restore (204, audited as the key’s creator); repeating either is refused with the screen’s message', async () => {
    expect(await api('POST', v1(`/users/${ids.omar}/suspend`), key)).toMatchObject({ status: 204, json: null });
    expect(await suspendedAt('omar')).not.toBeNull();
    expect(await lastAudit('user.suspended')).toMatchObject({ ...actedByAlanaOnThisCall, targetUserId: ids.omar });
    const search = await api('POST', v2('/directories/-/users/search'), key, { status: ['suspended'] });
    expect((search.json as { data: { accountId: string; status: string }[] }).data).toMatchObject([{ accountId: ids.omar, status: 'suspended', membershipStatus: 'suspended' }]);

    const again = await api('POST', v1(`/users/${ids.omar}/suspend`), key);
    expect(again.status).toBe(400);
    expect(again.json).toEqual(errorBody(400, "Omar Haddad's access is already suspended."));

    expect((await api('POST', v1(`/users/${ids.omar}/restore`), key)).status).toBe(204);
    expect(await suspendedAt('omar')).toBeNull();
    expect(await lastAudit('user.restored')).toMatchObject({ ...actedByAlanaOnThisCall, targetUserId: ids.omar });
    expect((await api('POST', v1(`/users/${ids.omar}/restore`), key)).json).toEqual(errorBody(400, "Omar Haddad's access isn't suspended."));

    const self = await api('POST', v1(`/users/${alana.userId}/suspend`), key);
    expect(self.json).toEqual(errorBody(400, "You can't suspend your own access."));
    expect((await api('POST', v1('/users/no-such-account/suspend'), key)).status).toBe(404);
  });

  it('v2 directory paths do the same; another directory is 404', async () => {
    expect((await api('POST', v2(`/directories/-/users/${ids.lee}/suspend`), key)).status).toBe(204);
    expect(await suspendedAt('lee')).not.toBeNull();
    expect((await api('POST', v2(`/directories/${siteId}/users/${ids.lee}/restore`), key)).status).toBe(204);
    expect(await suspendedAt('lee')).toBeNull();
    expect((await api('POST', v2(`/directories/elsewhere/users/${ids.lee}/suspend`), key)).status).toBe(404);
    expect((await api('DELETE', v2(`/directories/elsewhere/users/${ids.lee}`), key)).status).toBe(404);
    expect(await jiraRoleOf('lee')).toBe('USER');
  });

  it('DELETE removes access through removeAccess (204, audited); the person stays listed with no role', async () => {
    expect(await api('DELETE', v1(`/users/${ids.casey}`), key)).toMatchObject({ status: 204, json: null });
    expect(await jiraRoleOf('casey')).toBeNull();
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: ids.casey } })).toBe(0);
    expect(await lastAudit('user.access.removed')).toMatchObject({ ...actedByAlanaOnThisCall, targetUserId: ids.casey, before: { jiraRole: 'GUEST', space: 'MKT' } });
    const listed = await api('POST', v2('/directories/-/users/search'), key, { searchTerm: 'casey' });
    expect((listed.json as { data: unknown[] }).data).toMatchObject([{ accountId: ids.casey, role: null, guest: false, productAccess: [] }]);

    expect((await api('DELETE', v2(`/directories/-/users/${ids.omar}`), key)).status).toBe(204);
    expect(await jiraRoleOf('omar')).toBeNull();
    expect((await api('DELETE', v1(`/users/${alana.userId}`), key)).json).toEqual(errorBody(400, "You can't remove your own access."));
    expect((await api('DELETE', v1('/users/no-such-account'), key)).status).toBe(404);
  });
});
