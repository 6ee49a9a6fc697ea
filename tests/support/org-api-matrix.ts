// Rows of the authorization matrix (tests/integration/authorization-matrix.test.ts) for the
// organization admin API: Settings → API keys (site admins make and revoke the organization's keys)
// and the /admin/v1 and /admin/v2 route handlers, called with a Bearer key. Kept in a file of their
// own; the matrix spreads ORG_API_MODULES and ORG_API_ROWS into its own.
//
// Every persona holds an organization API key of their own (WorldFacts.orgApiKeys): Alana's made in
// Settings → API keys, everyone else's written directly with them as its creator. A key acts as its
// creator and only while they are an active site admin (lib/org-api/auth.ts), so the column is
// really "a key created by this person": Alana's works, every other one is refused with 401, and
// anonymous sends no Authorization header at all. The persona's browser session (opened for every
// cell) counts for nothing here.
import { expect } from 'vitest';
import * as orgApiKeyActions from '@/app/(site)/admin/api-keys/actions';
import * as v2InviteRoute from '@/app/admin/v2/orgs/[orgId]/users/invite/route';
import * as v2SearchRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/search/route';
import * as v2UserRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/route';
import * as v2SuspendRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/suspend/route';
import * as v2RestoreRoute from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/restore/route';
import * as v1AssignRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/assign/route';
import * as v1RevokeRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/revoke/route';
import * as v1SuspendRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/suspend/route';
import * as v1RestoreRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/restore/route';
import * as v1UserRoute from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/route';
import { ORG_API_MESSAGES } from '@/lib/org-api/errors';
import { verifyOrgApiKey } from '@/lib/org-api/keys';
import { jiraResourceId } from '@/lib/org-api/shapes';
import type { Result } from '@/lib/result';
import { allowed, cells, CLIENT, fromResult, inRequest, refused, type CallContext, type MatrixRow, type Outcome, type VerifyContext } from './matrix';
import { EMAIL } from './personas';

const API_KEYS = 'app/(site)/admin/api-keys/actions.ts';
const V1 = 'app/admin/v1/orgs/[orgId]/users/[accountId]';
const V2 = 'app/admin/v2/orgs/[orgId]';
const V2_USER = `${V2}/directories/[directoryId]/users/[accountId]`;
const V2_INVITE = `${V2}/users/invite/route.ts`;
const V2_SEARCH = `${V2}/directories/[directoryId]/users/search/route.ts`;
const V2_DELETE = `${V2_USER}/route.ts`;
const V2_SUSPEND = `${V2_USER}/suspend/route.ts`;
const V2_RESTORE = `${V2_USER}/restore/route.ts`;
const V1_ASSIGN = `${V1}/roles/assign/route.ts`;
const V1_REVOKE = `${V1}/roles/revoke/route.ts`;
const V1_SUSPEND = `${V1}/suspend/route.ts`;
const V1_RESTORE = `${V1}/restore/route.ts`;
const V1_DELETE = `${V1}/route.ts`;

export const ORG_API_MODULES: Record<string, Record<string, unknown>> = {
  [API_KEYS]: orgApiKeyActions,
  [V2_INVITE]: v2InviteRoute,
  [V2_SEARCH]: v2SearchRoute,
  [V2_DELETE]: v2UserRoute,
  [V2_SUSPEND]: v2SuspendRoute,
  [V2_RESTORE]: v2RestoreRoute,
  [V1_ASSIGN]: v1AssignRoute,
  [V1_REVOKE]: v1RevokeRoute,
  [V1_SUSPEND]: v1SuspendRoute,
  [V1_RESTORE]: v1RestoreRoute,
  [V1_DELETE]: v1UserRoute,
};

type Action = (raw: unknown) => Promise<Result<unknown>>;
const run = async (action: unknown, input: unknown) => fromResult(await (action as Action)(input));

const actorOf = async (c: VerifyContext) => c.idOf(c.persona.email!);

async function expectAudited(c: VerifyContext, action: string, extra: Record<string, unknown> = {}) {
  const event = await c.db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } });
  expect(event).toMatchObject({ actorId: await actorOf(c), ip: CLIENT.ip, userAgent: CLIENT.userAgent, ...extra });
}

/** The one site of the world, and its organization (the orgId of every path). */
const siteOf = (c: CallContext) => c.db.site.findFirstOrThrow({ select: { id: true, organizationId: true } });

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Calls an admin API route handler with the persona's own organization API key as a Bearer token
 * (anonymous: no Authorization header). `path` follows /admin/v1|v2/orgs/<orgId>; `params` are the
 * route's other params (orgId is added). 2xx = allowed (status and JSON body); otherwise refused
 * with "<status> <first error's detail>".
 */
async function callOrgApi(
  c: CallContext,
  handler: unknown,
  method: string,
  version: 'v1' | 'v2',
  path: string,
  params: Record<string, string> = {},
  body?: unknown,
): Promise<Outcome> {
  const { organizationId } = await siteOf(c);
  const headers = new Headers({ 'user-agent': CLIENT.userAgent, 'x-forwarded-for': CLIENT.ip, accept: 'application/json' });
  const credential = c.persona.email ? c.facts.orgApiKeys[c.persona.email] : undefined;
  if (credential) headers.set('authorization', `Bearer ${credential.key}`);
  if (body !== undefined) headers.set('content-type', 'application/json');
  const url = `http://localhost:3000/admin/${version}/orgs/${organizationId}${path}`;
  const request = new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const response = await (handler as RouteHandler)(request, { params: Promise.resolve({ orgId: organizationId, ...params }) });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as { errors?: { detail?: string }[] }) : null;
  if (response.ok) return allowed({ status: response.status, body: json });
  return refused(`${response.status} ${json?.errors?.[0]?.detail ?? ''}`.trim());
}

/** The admin API's refusals, as callOrgApi reports them. */
const ORG_API_REFUSALS = {
  U: `401 ${ORG_API_MESSAGES.unauthenticated}`,
  C: `401 ${ORG_API_MESSAGES.creatorNotAdmin}`,
};

const jiraRoleOf = async (c: CallContext, email: string) =>
  (await c.db.appRole.findFirst({ where: { user: { email }, app: { kind: 'JIRA' } }, select: { role: true } }))?.role ?? null;
const suspendedAtOf = async (c: CallContext, email: string) => (await c.db.siteUser.findFirstOrThrow({ where: { user: { email } } })).suspendedAt;
const valueOf = (c: VerifyContext) => c.value as { status: number; body: unknown };

/** 204 No Content: what every user-changing endpoint answers. */
const expectNoContent = (c: VerifyContext) => expect(valueOf(c)).toEqual({ status: 204, body: null });

const QUINN = 'quinn.new@partnerco.io';

// Columns as in the matrix; U = 401 without a key, C = 401 for a key whose creator isn't an active site admin.
//                         anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
const ADMIN_ONLY = cells('U    ok   F    F    F    F    F    F    F    F    F    F');
const KEY_OF_ADMIN = cells('U    ok   C    C    C    C    C    C    C    C    C    C', ORG_API_REFUSALS);
const KEY_CHECKS = "a Bearer organization API key whose creator is still an active site admin (lib/org-api/auth.ts; 401 otherwise)";

async function expectSuspended(c: VerifyContext, email: string) {
  const id = await c.idOf(email);
  expectNoContent(c);
  expect(await suspendedAtOf(c, email)).not.toBeNull();
  expect(await c.db.session.count({ where: { userId: id, revokedAt: null } })).toBe(0);
  await expectAudited(c, 'user.suspended', { targetUserId: id });
}

async function expectRestored(c: VerifyContext, email: string) {
  expectNoContent(c);
  expect(await suspendedAtOf(c, email)).toBeNull();
  await expectAudited(c, 'user.restored', { targetUserId: await c.idOf(email) });
}

async function expectRemoved(c: VerifyContext, email: string, before: Record<string, unknown>) {
  const id = await c.idOf(email);
  expectNoContent(c);
  expect(await jiraRoleOf(c, email)).toBeNull();
  expect(await c.db.guestSpaceAssignment.count({ where: { userId: id } })).toBe(0);
  // Removed, not deleted: the person stays on the site's list with no access.
  expect(await c.db.siteUser.count({ where: { userId: id } })).toBe(1);
  await expectAudited(c, 'user.access.removed', { targetUserId: id, before });
}

export const ORG_API_ROWS: MatrixRow[] = [
  // ----- Settings → API keys (site admin) -------------------------------------------------------
  {
    source: API_KEYS,
    name: 'createOrgApiKeyAction',
    checks: "permission 'admin.users.manage'",
    cells: ADMIN_ONLY,
    mutates: true,
    call: (_c, action) => run(action, { name: 'Matrix provisioning', expiresInDays: '30' }),
    verify: async (c) => {
      const created = c.value as { name: string; key: string; expiresAt: string };
      expect(created.name).toBe('Matrix provisioning');
      expect(created.key).toMatch(/^PTCORG_[A-Za-z0-9_-]{43}$/);
      const { organizationId } = await siteOf(c);
      const check = await verifyOrgApiKey(c.db, created.key);
      expect(check).toMatchObject({ ok: true, organizationId, createdById: await actorOf(c) });
      const row = await c.db.orgApiKey.findUniqueOrThrow({ where: { id: (check as { keyId: string }).keyId } });
      expect(row).toMatchObject({ name: 'Matrix provisioning', createdById: await actorOf(c), revokedAt: null, expiresAt: new Date(created.expiresAt) });
      // Only the key's SHA-256 is stored, and the audit row doesn't carry it either.
      expect(JSON.stringify(row)).not.toContain(created.key.slice('PTCORG_'.length));
      await expectAudited(c, 'org_api_key.created', { targetType: 'org_api_key', targetId: row.id, after: { name: 'Matrix provisioning' } });
      const { before, after } = await c.db.auditEvent.findFirstOrThrow({ where: { targetId: row.id } });
      expect(JSON.stringify({ before, after })).not.toContain(created.key);
      expect(c.request.revalidated).toEqual(['/admin/api-keys']);
    },
  },
  {
    source: API_KEYS,
    name: 'revokeOrgApiKeyAction',
    scenario: "(Alana's key)",
    checks: "permission 'admin.users.manage'",
    cells: ADMIN_ONLY,
    mutates: true,
    call: (c, action) => run(action, { keyId: c.facts.orgApiKeys[EMAIL.alana].id }),
    verify: async (c) => {
      const { id, key } = c.facts.orgApiKeys[EMAIL.alana];
      expect(c.value).toBe('Matrix was revoked.');
      expect((await c.db.orgApiKey.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
      expect(await verifyOrgApiKey(c.db, key)).toEqual({ ok: false, reason: 'invalid' });
      await expectAudited(c, 'org_api_key.revoked', { targetId: id, before: { name: 'Matrix', revokedAt: null } });
      // The admin API refuses the key from the next call on (a call in this cell's request, on its database).
      const after = await inRequest(c.request, () => callOrgApi(c, v2SearchRoute.POST, 'POST', 'v2', '/directories/-/users/search', { directoryId: '-' }, {}));
      expect(after).toEqual(refused(ORG_API_REFUSALS.U));
      expect(c.request.revalidated).toEqual(['/admin/api-keys']);
    },
  },

  // ----- /admin/v2 (Bearer key) ------------------------------------------------------------------
  {
    source: V2_INVITE,
    name: 'POST',
    scenario: '(Quinn as a guest)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const { id: siteId } = await siteOf(c);
      const body = { emails: [QUINN], permissionRules: [{ resource: jiraResourceId(siteId), role: 'atlassian/guest' }], notificationText: 'Welcome!' };
      return callOrgApi(c, handler, 'POST', 'v2', '/users/invite', {}, body);
    },
    verify: async (c) => {
      const { id: siteId } = await siteOf(c);
      expect(valueOf(c)).toEqual({
        status: 200,
        body: {
          data: [
            {
              email: QUINN,
              results: [{ roleAssignmentResult: [{ resource: jiraResourceId(siteId), role: 'atlassian/guest', status: 'INVITED', statusReason: 'Invited as a guest.' }] }],
            },
          ],
        },
      });
      const invitation = await c.db.invitation.findFirstOrThrow({ where: { email: QUINN } });
      expect(invitation).toMatchObject({ state: 'PENDING', role: 'GUEST', invitedById: await actorOf(c), personalMessage: 'Welcome!' });
      expect(await c.db.outboxEmail.count({ where: { invitationId: invitation.id, template: 'invitation', state: 'PENDING' } })).toBe(1);
      await expectAudited(c, 'invitation.created', { targetId: invitation.id });
    },
  },
  {
    source: V2_SEARCH,
    name: 'POST',
    scenario: '({"searchTerm": "jordan"})',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: false,
    call: (c, handler) => callOrgApi(c, handler, 'POST', 'v2', '/directories/-/users/search', { directoryId: '-' }, { searchTerm: 'jordan' }),
    verify: async (c) => {
      const { status, body } = valueOf(c) as { status: number; body: { data: unknown[]; links: unknown } };
      expect(status).toBe(200);
      expect(body.data).toEqual([
        expect.objectContaining({ accountId: await c.idOf(EMAIL.jordan), name: 'Jordan Blake', email: EMAIL.jordan, role: 'atlassian/guest', guest: true, space: null }),
      ]);
      expect(body.links).toEqual({ self: null, next: null });
    },
  },
  {
    source: V2_SUSPEND,
    name: 'POST',
    scenario: '(directory "-", Lee)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const lee = await c.idOf(EMAIL.lee);
      return callOrgApi(c, handler, 'POST', 'v2', `/directories/-/users/${lee}/suspend`, { directoryId: '-', accountId: lee });
    },
    verify: (c) => expectSuspended(c, EMAIL.lee),
  },
  {
    source: V2_RESTORE,
    name: 'POST',
    scenario: '(directory = the site, Omar, suspended)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const [omar, { id: siteId }] = await Promise.all([c.idOf(EMAIL.omar), siteOf(c)]);
      return callOrgApi(c, handler, 'POST', 'v2', `/directories/${siteId}/users/${omar}/restore`, { directoryId: siteId, accountId: omar });
    },
    verify: (c) => expectRestored(c, EMAIL.omar),
  },
  {
    source: V2_DELETE,
    name: 'DELETE',
    scenario: '(directory "-", Casey)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const casey = await c.idOf(EMAIL.casey);
      return callOrgApi(c, handler, 'DELETE', 'v2', `/directories/-/users/${casey}`, { directoryId: '-', accountId: casey });
    },
    verify: (c) => expectRemoved(c, EMAIL.casey, { jiraRole: 'GUEST', space: 'MKT' }),
  },

  // ----- /admin/v1 (Bearer key) ------------------------------------------------------------------
  {
    source: V1_ASSIGN,
    name: 'POST',
    scenario: '(Jordan → atlassian/user)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const [jordan, { id: siteId }] = await Promise.all([c.idOf(EMAIL.jordan), siteOf(c)]);
      return callOrgApi(c, handler, 'POST', 'v1', `/users/${jordan}/roles/assign`, { accountId: jordan }, { role: 'atlassian/user', resource: jiraResourceId(siteId) });
    },
    verify: async (c) => {
      expectNoContent(c);
      expect(await jiraRoleOf(c, EMAIL.jordan)).toBe('USER');
      await expectAudited(c, 'user.role.changed', { targetUserId: await c.idOf(EMAIL.jordan), before: { jiraRole: 'GUEST' }, after: { jiraRole: 'USER' } });
    },
  },
  {
    source: V1_REVOKE,
    name: 'POST',
    scenario: '(Jordan: atlassian/guest, the role held = Remove access)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const [jordan, { id: siteId }] = await Promise.all([c.idOf(EMAIL.jordan), siteOf(c)]);
      return callOrgApi(c, handler, 'POST', 'v1', `/users/${jordan}/roles/revoke`, { accountId: jordan }, { role: 'atlassian/guest', resource: jiraResourceId(siteId) });
    },
    verify: (c) => expectRemoved(c, EMAIL.jordan, { jiraRole: 'GUEST' }),
  },
  {
    source: V1_SUSPEND,
    name: 'POST',
    scenario: '(Lee)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const lee = await c.idOf(EMAIL.lee);
      return callOrgApi(c, handler, 'POST', 'v1', `/users/${lee}/suspend`, { accountId: lee });
    },
    verify: (c) => expectSuspended(c, EMAIL.lee),
  },
  {
    source: V1_RESTORE,
    name: 'POST',
    scenario: '(Omar, suspended)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const omar = await c.idOf(EMAIL.omar);
      return callOrgApi(c, handler, 'POST', 'v1', `/users/${omar}/restore`, { accountId: omar });
    },
    verify: (c) => expectRestored(c, EMAIL.omar),
  },
  {
    source: V1_DELETE,
    name: 'DELETE',
    scenario: '(Jordan)',
    checks: KEY_CHECKS,
    cells: KEY_OF_ADMIN,
    mutates: true,
    call: async (c, handler) => {
      const jordan = await c.idOf(EMAIL.jordan);
      return callOrgApi(c, handler, 'DELETE', 'v1', `/users/${jordan}`, { accountId: jordan });
    },
    verify: (c) => expectRemoved(c, EMAIL.jordan, { jiraRole: 'GUEST' }),
  },
];
