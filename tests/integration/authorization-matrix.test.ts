// The authorization matrix: every server action and route handler (rows) × every kind of person
// (columns, tests/support/personas.ts), declared once below. Each cell is one test: it signs the
// persona in, calls the exported action or route handler itself, and asserts either the exact
// refusal plus that nothing changed, or that the call was allowed plus what it returned and did.
//
// The actions run as in production except for the framework around them: `@/lib/auth`'s getViewer
// loads the persona's Viewer from a real session row (lib/access/viewer), `@/lib/db/client`'s
// prisma is the cell's database, next/cache, next/headers and next/navigation are stand-ins, and
// Auth.js is replaced by a stand-in that runs lib/auth's own configuration (see tests/support/matrix.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as adminActions from '@/app/(site)/admin/actions';
import * as requestAccessActions from '@/app/(site)/request-access/actions';
import * as itemActions from '@/app/(site)/spaces/[key]/items/actions';
import * as peopleActions from '@/app/(site)/spaces/[key]/settings/people/actions';
import * as inviteActions from '@/app/invite/[token]/actions';
import * as sessionActions from '@/app/actions/session';
import * as loginActions from '@/app/login/actions';
import * as exportRoute from '@/app/(site)/admin/users/export/route';
import * as auditExportRoute from '@/app/(site)/admin/audit-log/export/route';
import * as authRoute from '@/app/api/auth/[...nextauth]/route';
import * as apiTokenActions from '@/app/(site)/account/security/api-tokens/actions';
import * as restMyself from '@/app/rest/api/3/myself/route';
import * as restUserSearch from '@/app/rest/api/3/user/search/route';
import * as restProjectSearch from '@/app/rest/api/3/project/search/route';
import * as restProject from '@/app/rest/api/3/project/[projectIdOrKey]/route';
import * as restProjectRoles from '@/app/rest/api/3/project/[projectIdOrKey]/role/route';
import * as restProjectRole from '@/app/rest/api/3/project/[projectIdOrKey]/role/[id]/route';
import * as restSearchJql from '@/app/rest/api/3/search/jql/route';
import { verifyApiToken } from '@/lib/api-tokens';
import { loadViewer } from '@/lib/access/viewer';
import { can, siteRoleOf } from '@/lib/access/policy';
import { loadItemForViewer } from '@/lib/work-items/access';
import type { Result } from '@/lib/result';
import { formatExpiryDate } from '@/lib/invitations/invite-users.schema';
import { EMAIL, openSession, PASSWORD, PERSONA_KEYS, PERSONAS, Worlds, type PersonaKey } from '../support/personas';
import {
  allowed,
  cells,
  CLIENT,
  currentRequest,
  fromResult,
  inRequest,
  refused,
  rowTitle,
  scanEndpoints,
  exportedNames,
  settle,
  snapshotWorld,
  type CallContext,
  type MatrixRow,
  type Outcome,
  type RequestState,
  type VerifyContext,
} from '../support/matrix';
import { viewerFor } from '../support/viewers';
import { SECURITY_MODULES, SECURITY_ROWS } from '../support/external-security-matrix';
import { ORG_API_MODULES, ORG_API_ROWS } from '../support/org-api-matrix';

// ---------------------------------------------------------------------------------------------
// The runtime around the actions

const hooks = vi.hoisted(() => ({ db: (): object => { throw new Error('prisma used outside a matrix request'); } }));

vi.mock('server-only', () => ({}));
vi.mock('next/cache', async () => (await import('../support/matrix')).nextCache);
vi.mock('next/headers', async () => (await import('../support/matrix')).nextHeaders);
vi.mock('next/navigation', async () => (await import('../support/matrix')).nextNavigation);
vi.mock('next-auth', async () => (await import('../support/matrix')).nextAuthStandIn());
vi.mock('next-auth/providers/credentials', async () => (await import('../support/matrix')).credentialsProviderStandIn);
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({}, {
    get(_target, property) {
      const db = hooks.db();
      const value = Reflect.get(db, property);
      return typeof value === 'function' ? value.bind(db) : value;
    },
  }),
}));
vi.mock('@/lib/auth', async (importOriginal) => {
  const matrix = await import('../support/matrix');
  return {
    ...(await importOriginal<typeof import('@/lib/auth')>()),
    getViewer: matrix.viewerOfRequest,
    requestInfo: async () => ({ ...matrix.CLIENT }),
  };
});
hooks.db = () => currentRequest().db;

// ---------------------------------------------------------------------------------------------
// Helpers for rows

const ADMIN = 'app/(site)/admin/actions.ts';
const REQUEST_ACCESS = 'app/(site)/request-access/actions.ts';
const ITEMS = 'app/(site)/spaces/[key]/items/actions.ts';
const PEOPLE = 'app/(site)/spaces/[key]/settings/people/actions.ts';
const INVITE = 'app/invite/[token]/actions.ts';
const SESSION = 'app/actions/session.ts';
const LOGIN = 'app/login/actions.ts';
const EXPORT_ROUTE = 'app/(site)/admin/users/export/route.ts';
const AUDIT_EXPORT_ROUTE = 'app/(site)/admin/audit-log/export/route.ts';
const AUTH_ROUTE = 'app/api/auth/[...nextauth]/route.ts';
const API_TOKENS = 'app/(site)/account/security/api-tokens/actions.ts';
const REST = 'app/rest/api/3';
const REST_MYSELF = `${REST}/myself/route.ts`;
const REST_USER_SEARCH = `${REST}/user/search/route.ts`;
const REST_PROJECT_SEARCH = `${REST}/project/search/route.ts`;
const REST_PROJECT = `${REST}/project/[projectIdOrKey]/route.ts`;
const REST_PROJECT_ROLES = `${REST}/project/[projectIdOrKey]/role/route.ts`;
const REST_PROJECT_ROLE = `${REST}/project/[projectIdOrKey]/role/[id]/route.ts`;
const REST_SEARCH_JQL = `${REST}/search/jql/route.ts`;

/** The modules the rows call, by file: the inventory checks each row calls what the file exports. */
const MODULES: Record<string, Record<string, unknown>> = {
  [ADMIN]: adminActions,
  [REQUEST_ACCESS]: requestAccessActions,
  [ITEMS]: itemActions,
  [PEOPLE]: peopleActions,
  [INVITE]: inviteActions,
  [SESSION]: sessionActions,
  [LOGIN]: loginActions,
  [EXPORT_ROUTE]: exportRoute,
  [AUDIT_EXPORT_ROUTE]: auditExportRoute,
  [AUTH_ROUTE]: authRoute,
  [API_TOKENS]: apiTokenActions,
  [REST_MYSELF]: restMyself,
  [REST_USER_SEARCH]: restUserSearch,
  [REST_PROJECT_SEARCH]: restProjectSearch,
  [REST_PROJECT]: restProject,
  [REST_PROJECT_ROLES]: restProjectRoles,
  [REST_PROJECT_ROLE]: restProjectRole,
  [REST_SEARCH_JQL]: restSearchJql,
  ...SECURITY_MODULES,
  ...ORG_API_MODULES,
};

type Action = (raw: unknown) => Promise<Result<unknown>>;
type Input = (context: CallContext) => unknown;

/** Calls the row's defineAction server action with `input`; who calls is the request's session. */
const callAction = (input: Input) => async (context: CallContext, action: unknown) => fromResult(await (action as Action)(await input(context)));

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

/** The account the persona is signed in as for this call. */
const actorOf = async (c: VerifyContext) => c.idOf(c.persona.email!);

const lastAudit = (c: CallContext, action: string) => c.db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } });

async function expectAudited(c: VerifyContext, action: string, extra: Record<string, unknown> = {}) {
  expect(await lastAudit(c, action)).toMatchObject({ actorId: await actorOf(c), ip: CLIENT.ip, userAgent: CLIENT.userAgent, ...extra });
}

const item = (c: CallContext, spaceKey: string, number: number) =>
  c.db.workItem.findFirstOrThrow({ where: { number, space: { key: spaceKey } }, include: { comments: { orderBy: { createdAt: 'desc' } }, shares: true } });

const invitationOf = (c: CallContext, email: string) => c.db.invitation.findFirstOrThrow({ where: { email }, orderBy: { createdAt: 'desc' } });
const requestOf = (c: CallContext, email: string) => c.db.accessRequest.findFirstOrThrow({ where: { email }, orderBy: { createdAt: 'desc' } });
const jiraRoleOf = async (c: CallContext, email: string) =>
  (await c.db.appRole.findFirst({ where: { user: { email }, app: { kind: 'JIRA' } }, select: { role: true } }))?.role ?? null;
const membershipOf = async (c: CallContext, spaceKey: string, email: string) =>
  (await c.db.spaceMembership.findFirst({ where: { space: { key: spaceKey }, user: { email } }, select: { role: true } }))?.role ?? null;

/** The persona signed in with their own password, except anonymous: Alana's address with a wrong password. */
const credentialsOf = (c: CallContext) =>
  c.persona.email ? { email: c.persona.email, password: PASSWORD } : { email: EMAIL.alana, password: 'not-the-password' };

/** After an allowed sign-in: a new, open session of the persona, whose id the session cookie now carries. */
async function expectSignedInAs(c: VerifyContext, email: string) {
  const token = c.request.token;
  expect(token).not.toBeNull();
  const session = await c.db.session.findUniqueOrThrow({ where: { id: token!.sid }, include: { user: { select: { email: true } } } });
  expect(session).toMatchObject({ userId: token!.sub, revokedAt: null, ip: CLIENT.ip, user: { email } });
  expect((await loadViewer(c.db, token!.sid))?.email).toBe(email);
}

/** After an allowed sign-out: the cookie is gone and the caller's session row is revoked. */
async function expectSignedOut(c: VerifyContext) {
  expect(c.request.token).toBeNull();
  if (c.session) {
    expect((await c.db.session.findUniqueOrThrow({ where: { id: c.session.sid } })).revokedAt).not.toBeNull();
    expect(await loadViewer(c.db, c.session.sid)).toBeNull();
  }
}

async function fromRedirectOr<T>(call: () => Promise<T>, done: string, refusal: (returned: T) => Outcome): Promise<Outcome> {
  const settled = await settle(call);
  if ('redirect' in settled) return settled.redirect === done ? allowed({ redirect: settled.redirect }) : refused(`redirect ${settled.redirect}`);
  return refusal(settled.returned);
}

type RestHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Calls a REST route handler as the persona: HTTP Basic with their email and their own API token
 * (anonymous: no Authorization header). 2xx = allowed (with the JSON body); otherwise refused with
 * "<status> <first errorMessage>".
 */
async function callRest(c: CallContext, handler: unknown, method: string, url: string, params: Record<string, string> = {}, body?: unknown): Promise<Outcome> {
  const headers = new Headers({ 'user-agent': CLIENT.userAgent });
  const credential = c.persona.email ? c.facts.apiTokens[c.persona.email] : undefined;
  if (credential) headers.set('authorization', `Basic ${Buffer.from(`${c.persona.email}:${credential.token}`).toString('base64')}`);
  if (body !== undefined) headers.set('content-type', 'application/json');
  const request = new Request(`http://localhost:3000${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const response = await (handler as RestHandler)(request, { params: Promise.resolve(params) });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as { errorMessages?: string[] }) : null;
  if (response.ok) return allowed({ status: response.status, body: json });
  return refused(`${response.status} ${json?.errorMessages?.[0] ?? ''}`.trim());
}

/** The REST API's refusals, as callRest reports them. */
const REST_REFUSALS = {
  U: '401 Client must be authenticated to access this resource.',
  S: '403 Your access to this site is suspended. Contact your site admin.',
  O: "403 You don't have access to this site.",
  A: '403 You cannot edit the configuration of this project.',
  P: "404 No project could be found with key 'MKT'.",
  J: "400 The value 'ENG' does not exist for the field 'project'.",
};

const LICENSED: PersonaKey[] = ['siteAdmin', 'spaceAdminA', 'memberA', 'viewerA'];
const isLicensed = (c: CallContext) => LICENSED.includes(c.persona.key);
const restBody = <T>(c: VerifyContext) => (c.value as { body: T }).body;
const GUEST_ROLE = '10005';

// ---------------------------------------------------------------------------------------------
// The matrix
//
// Columns (tests/support/personas.ts; A = MKT, B = ENG):
//   anon  anonymous                       gstA  guest of A (Casey)
//   admn  site admin (Alana)              gst0  guest with no space (Jordan)
//   sAdA  space admin of A (Sam)          gstB  guest of B (Blair)
//   memA  member of A (Lee)               susp  suspended (Omar, with a live session)
//   vwrA  viewer of A (Priya, ENG admin)  remv  removed (Riley)
//                                         shrd  Casey with ENG-2 shared to her by Lee
//                                         outs  signed in, not on the site (Dana)
// Cells: ok = allowed; U = UNAUTHENTICATED, F = FORBIDDEN, N = NOT_FOUND (the Result's code, or
// 401/403 for the export routes); other letters are the row's own refusals (the REST rows':
// REST_REFUSALS, where U is the 401).

const QUINN = 'quinn.new@partnerco.io';
const FRIEND = 'new.friend@partnerco.io';

const ROWS: MatrixRow[] = [
  // ----- Settings (site admin) ------------------------------------------------------------------
  {
    source: ADMIN,
    name: 'reviewInvitesAction',
    checks: "permission 'admin.users.manage'",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: callAction(() => ({ emails: QUINN, role: 'GUEST' })),
    verify: async (c) => {
      expect(c.value).toEqual([{ email: QUINN, outcome: 'NEW_GUEST', detail: 'Will be invited as a guest. A space admin adds them to a space afterwards.' }]);
    },
  },
  {
    source: ADMIN,
    name: 'grantAccessAction',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ emails: QUINN, role: 'GUEST', personalMessage: 'Welcome!' })),
    verify: async (c) => {
      expect(c.value).toMatchObject([{ email: QUINN, result: 'INVITED' }]);
      const invitation = await invitationOf(c, QUINN);
      expect(invitation).toMatchObject({ state: 'PENDING', role: 'GUEST', invitedById: await actorOf(c), personalMessage: 'Welcome!' });
      expect(await c.db.outboxEmail.count({ where: { invitationId: invitation.id, template: 'invitation', state: 'PENDING' } })).toBe(1);
      await expectAudited(c, 'invitation.created', { targetId: invitation.id });
      expect(c.request.revalidated).toEqual(['/admin/users']);
    },
  },
  {
    source: ADMIN,
    name: 'resendInviteAction',
    scenario: "(Taylor's pending invitation)",
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ invitationId: (await invitationOf(c, EMAIL.taylor)).id })),
    verify: async (c) => {
      expect(c.value).toBe('Invitation sent again with a new link.');
      const invitation = await invitationOf(c, EMAIL.taylor);
      const emails = await c.db.outboxEmail.findMany({ where: { invitationId: invitation.id }, select: { state: true, lastError: true }, orderBy: { createdAt: 'asc' } });
      expect(emails).toEqual([
        { state: 'FAILED', lastError: 'Superseded by a newer invitation link' },
        { state: 'PENDING', lastError: null },
      ]);
      await expectAudited(c, 'invitation.resent', { targetId: invitation.id });
    },
  },
  {
    source: ADMIN,
    name: 'revokeInviteAction',
    scenario: "(Taylor's pending invitation)",
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ invitationId: (await invitationOf(c, EMAIL.taylor)).id })),
    verify: async (c) => {
      expect(c.value).toBe('Invitation revoked. Its link no longer works.');
      const invitation = await invitationOf(c, EMAIL.taylor);
      expect(invitation).toMatchObject({ state: 'REVOKED', openEmail: null });
      await expectAudited(c, 'invitation.revoked', { targetId: invitation.id });
    },
  },
  {
    source: ADMIN,
    name: 'changeRoleAction',
    scenario: '(Jordan: Guest → User)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.jordan), role: 'USER' })),
    verify: async (c) => {
      expect(c.value).toEqual({ from: 'GUEST', to: 'USER' });
      expect(await jiraRoleOf(c, EMAIL.jordan)).toBe('USER');
      await expectAudited(c, 'user.role.changed', { targetUserId: await c.idOf(EMAIL.jordan) });
    },
  },
  {
    source: ADMIN,
    name: 'suspendAccessAction',
    scenario: '(Lee)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.lee) })),
    verify: async (c) => {
      const lee = await c.idOf(EMAIL.lee);
      expect(c.value).toBe('Access suspended.');
      expect((await c.db.siteUser.findFirstOrThrow({ where: { userId: lee } })).suspendedAt).not.toBeNull();
      expect(await c.db.session.count({ where: { userId: lee, revokedAt: null } })).toBe(0);
      await expectAudited(c, 'user.suspended', { targetUserId: lee });
    },
  },
  {
    source: ADMIN,
    name: 'restoreAccessAction',
    scenario: '(Omar, suspended)',
    checks: "permission 'admin.users.manage' (a suspended person cannot restore themselves)",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.omar) })),
    verify: async (c) => {
      const omar = await c.idOf(EMAIL.omar);
      expect(c.value).toBe('Access restored.');
      expect((await c.db.siteUser.findFirstOrThrow({ where: { userId: omar } })).suspendedAt).toBeNull();
      await expectAudited(c, 'user.restored', { targetUserId: omar });
    },
  },
  {
    source: ADMIN,
    name: 'removeAccessAction',
    scenario: '(Jordan)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.jordan) })),
    verify: async (c) => {
      const jordan = await c.idOf(EMAIL.jordan);
      expect(c.value).toBe('Access removed.');
      expect(await c.db.appRole.count({ where: { userId: jordan } })).toBe(0);
      expect(await c.db.siteUser.count({ where: { userId: jordan } })).toBe(1);
      await expectAudited(c, 'user.access.removed', { targetUserId: jordan });
    },
  },
  {
    source: ADMIN,
    name: 'approveRequestAction',
    scenario: "(Morgan's pending request)",
    checks: "permission 'admin.requests.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ requestId: (await requestOf(c, EMAIL.morgan)).id })),
    verify: async (c) => {
      expect(c.value).toBe('Approved. They now have Jira access as Guest.');
      expect(await requestOf(c, EMAIL.morgan)).toMatchObject({ state: 'APPROVED', grantedRole: 'GUEST', decidedById: await actorOf(c) });
      expect(await jiraRoleOf(c, EMAIL.morgan)).toBe('GUEST');
      await expectAudited(c, 'access_request.approved');
    },
  },
  {
    source: ADMIN,
    name: 'denyRequestAction',
    scenario: "(Morgan's pending request)",
    checks: "permission 'admin.requests.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ requestId: (await requestOf(c, EMAIL.morgan)).id, message: 'Not this time.' })),
    verify: async (c) => {
      expect(c.value).toBe('Request denied.');
      expect(await requestOf(c, EMAIL.morgan)).toMatchObject({ state: 'DENIED', decisionMessage: 'Not this time.', decidedById: await actorOf(c) });
      expect(await c.db.outboxEmail.count({ where: { to: EMAIL.morgan, template: 'access-request-denied' } })).toBe(1);
      expect(await jiraRoleOf(c, EMAIL.morgan)).toBeNull();
    },
  },
  {
    source: ADMIN,
    name: 'changePlanAction',
    scenario: '(Standard → Premium)',
    checks: "permission 'admin.billing.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ plan: 'PREMIUM' })),
    verify: async (c) => {
      expect(c.value).toBe('Plan changed to Premium.');
      expect((await c.db.organization.findFirstOrThrow()).plan).toBe('PREMIUM');
      await expectAudited(c, 'billing.plan.changed');
    },
  },

  {
    source: ADMIN,
    name: 'setGuestGrantAction',
    scenario: '(Casey: grant Dashboards)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.casey), grant: 'DASHBOARDS', granted: 'true' })),
    verify: async (c) => {
      const casey = await c.idOf(EMAIL.casey);
      expect(c.value).toBe('Dashboards granted.');
      expect(await c.db.experienceGrant.findMany({ where: { userId: casey }, select: { experience: true, grantedById: true } })).toEqual([
        { experience: 'DASHBOARDS', grantedById: await actorOf(c) },
      ]);
      expect(can(await viewerFor(c.db, EMAIL.casey), 'experience.dashboards')).toBe(true);
      await expectAudited(c, 'guest.access.granted', { targetUserId: casey });
    },
  },
  {
    source: ADMIN,
    name: 'changeGuestExpiryAction',
    scenario: '(Casey: extend)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ userId: await c.idOf(EMAIL.casey), change: 'extend' })),
    verify: async (c) => {
      const casey = await c.idOf(EMAIL.casey);
      const { accessExpiresAt } = await c.db.siteUser.findFirstOrThrow({ where: { userId: casey } });
      expect(accessExpiresAt).not.toBeNull();
      expect(c.value).toBe(`Access now expires on ${formatExpiryDate(accessExpiresAt!)}.`);
      await expectAudited(c, 'guest.expiry.changed', { targetUserId: casey, before: { accessExpiresAt: null } });
      expect(c.request.revalidated).toEqual([`/admin/users/${casey}`]);
    },
  },
  {
    source: ADMIN,
    name: 'setGuestAccessDefaultAction',
    scenario: '(90 days)',
    checks: "permission 'admin.users.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ days: '90' })),
    verify: async (c) => {
      expect(c.value).toBe("New guests' access now expires after 90 days by default.");
      expect((await c.db.organization.findFirstOrThrow()).guestAccessDefaultDays).toBe(90);
      await expectAudited(c, 'guest.expiry_default.changed', { before: { days: null }, after: { days: 90 } });
      expect(c.request.revalidated).toEqual(['/admin (layout)']);
    },
  },

  // ----- Request access (people without access to the site) -------------------------------------
  {
    source: REQUEST_ACCESS,
    name: 'requestAccessAction',
    checks: 'signed in and not on the site at all (viewer.siteAccess === null); a removed or suspended person is still on it',
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    F    F    F    F    F    F    F    F    F    F    ok'),
    mutates: true,
    call: callAction(() => ({ note: 'I work with the Marketing team.' })),
    verify: async (c) => {
      expect(c.value).toBe('Request sent. A site admin will review it; you’ll get an email either way.');
      expect(await requestOf(c, EMAIL.dana)).toMatchObject({ state: 'PENDING', userId: await actorOf(c), requestedById: null, note: 'I work with the Marketing team.' });
    },
  },

  // ----- Work items ('jira.use', then the item's space role or an explicit share) ----------------
  // MKT-4 was reported by Casey (guest of A); ENG-2 by Priya, assigned to Lee; MKT-2 is shared with Blair.
  {
    source: ITEMS,
    name: 'createWorkItemAction',
    scenario: '@MKT',
    checks: "'jira.use', then 'create' in the space (browse first, else NOT_FOUND)",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   ok   ok   F    ok   F    N    F    F    ok   F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', summary: 'Matrix: launch checklist' })),
    verify: async (c) => {
      expect(c.value).toEqual({ key: 'MKT-5', href: '/spaces/MKT/items/5' });
      expect(await item(c, 'MKT', 5)).toMatchObject({ summary: 'Matrix: launch checklist', reporterId: await actorOf(c), assigneeId: null });
      expect(c.request.revalidated).toEqual(['/spaces/MKT']);
    },
  },
  {
    source: ITEMS,
    name: 'createWorkItemAction',
    scenario: '@ENG',
    checks: "'jira.use', then 'create' in the space (browse first, else NOT_FOUND); a share opens no space",
    cells: cells('U    ok   F    ok   ok   N    F    ok   F    F    N    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'ENG', summary: 'Matrix: rotate staging keys' })),
    verify: async (c) => {
      expect(c.value).toEqual({ key: 'ENG-4', href: '/spaces/ENG/items/4' });
      expect(await item(c, 'ENG', 4)).toMatchObject({ summary: 'Matrix: rotate staging keys', reporterId: await actorOf(c) });
    },
  },
  {
    source: ITEMS,
    name: 'updateWorkItemAction',
    scenario: '@MKT-4 (reported by Casey)',
    checks: "'jira.use', then 'edit', or 'editOwn' on one's own item",
    cells: cells('U    ok   ok   ok   F    ok   F    N    F    F    ok   F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', number: 4, summary: 'Brand guidelines v4 review' })),
    verify: async (c) => {
      expect(c.value).toBe('Saved.');
      expect((await item(c, 'MKT', 4)).summary).toBe('Brand guidelines v4 review');
    },
  },
  {
    source: ITEMS,
    name: 'updateWorkItemAction',
    scenario: '@ENG-2 (reported by Priya)',
    checks: "'jira.use', then 'edit', or 'editOwn' on one's own item; a share gives no edit",
    cells: cells('U    ok   F    ok   ok   N    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'ENG', number: 2, summary: 'Flaky test: invitation expiry at midnight' })),
    verify: async (c) => {
      expect(c.value).toBe('Saved.');
      expect((await item(c, 'ENG', 2)).summary).toBe('Flaky test: invitation expiry at midnight');
    },
  },
  {
    source: ITEMS,
    name: 'transitionWorkItemAction',
    scenario: '@MKT-4',
    checks: "'jira.use', then 'transition' (guests and viewers have none)",
    cells: cells('U    ok   ok   ok   F    F    F    N    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', number: 4, status: 'DONE' })),
    verify: async (c) => {
      expect(c.value).toBe('Status changed.');
      expect((await item(c, 'MKT', 4)).status).toBe('DONE');
    },
  },
  {
    source: ITEMS,
    name: 'transitionWorkItemAction',
    scenario: '@ENG-2',
    checks: "'jira.use', then 'transition'",
    cells: cells('U    ok   F    ok   ok   N    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'ENG', number: 2, status: 'DONE' })),
    verify: async (c) => {
      expect(c.value).toBe('Status changed.');
      expect((await item(c, 'ENG', 2)).status).toBe('DONE');
    },
  },
  {
    source: ITEMS,
    name: 'assignWorkItemAction',
    scenario: '@MKT-4 (to Lee)',
    checks: "'jira.use', then 'assign'",
    cells: cells('U    ok   ok   ok   F    F    F    N    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'MKT', number: 4, assigneeId: await c.idOf(EMAIL.lee) })),
    verify: async (c) => {
      expect(c.value).toBe('Assigned to Lee Chen.');
      expect((await item(c, 'MKT', 4)).assigneeId).toBe(await c.idOf(EMAIL.lee));
    },
  },
  {
    source: ITEMS,
    name: 'assignWorkItemAction',
    scenario: '@ENG-2 (unassign)',
    checks: "'jira.use', then 'assign'",
    cells: cells('U    ok   F    ok   ok   N    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'ENG', number: 2, assigneeId: null })),
    verify: async (c) => {
      expect(c.value).toBe('Unassigned.');
      expect((await item(c, 'ENG', 2)).assigneeId).toBeNull();
    },
  },
  {
    source: ITEMS,
    name: 'addCommentAction',
    scenario: '@MKT-4',
    checks: "'jira.use', then 'comment' in the space, or a share of the item",
    cells: cells('U    ok   ok   ok   ok   ok   F    N    F    F    ok   F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', number: 4, body: 'Matrix comment on MKT-4' })),
    verify: async (c) => {
      expect(c.value).toBe('Comment added.');
      expect((await item(c, 'MKT', 4)).comments[0]).toMatchObject({ body: 'Matrix comment on MKT-4', authorId: await actorOf(c) });
    },
  },
  {
    source: ITEMS,
    name: 'addCommentAction',
    scenario: '@ENG-2',
    checks: "'jira.use', then 'comment' in the space, or a share of the item",
    cells: cells('U    ok   ok   ok   ok   N    F    ok   F    F    ok   F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'ENG', number: 2, body: 'Matrix comment on ENG-2' })),
    verify: async (c) => {
      expect(c.value).toBe('Comment added.');
      expect((await item(c, 'ENG', 2)).comments[0]).toMatchObject({ body: 'Matrix comment on ENG-2', authorId: await actorOf(c) });
    },
  },
  {
    source: ITEMS,
    name: 'searchShareCandidatesAction',
    scenario: '@MKT-4 ("blair")',
    checks: "'jira.use', then may share: licensed and browses the item's space (guests never)",
    cells: cells('U    ok   ok   ok   ok   F    F    N    F    F    F    F'),
    mutates: false,
    call: callAction(() => ({ spaceKey: 'MKT', number: 4, query: 'blair' })),
    verify: async (c) => {
      expect(c.value).toEqual([{ id: await c.idOf(EMAIL.blair), name: 'Blair Quinn', email: EMAIL.blair }]);
    },
  },
  {
    source: ITEMS,
    name: 'searchShareCandidatesAction',
    scenario: '@ENG-2 ("casey")',
    checks: "'jira.use', then may share: licensed and browses the item's space (a share is not enough)",
    cells: cells('U    ok   ok   ok   ok   N    F    F    F    F    F    F'),
    mutates: false,
    call: callAction(() => ({ spaceKey: 'ENG', number: 2, query: 'casey' })),
    verify: async (c) => {
      expect(c.value).toEqual([{ id: await c.idOf(EMAIL.casey), name: 'Casey Jones', email: EMAIL.casey }]);
    },
  },
  {
    source: ITEMS,
    name: 'shareWorkItemAction',
    scenario: '@MKT-4 (with Blair)',
    checks: "'jira.use', then may share: licensed and browses the item's space",
    cells: cells('U    ok   ok   ok   ok   F    F    N    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'MKT', number: 4, userId: await c.idOf(EMAIL.blair) })),
    verify: async (c) => {
      const blair = await c.idOf(EMAIL.blair);
      expect(c.value).toBe('Shared with Blair Quinn.');
      expect((await item(c, 'MKT', 4)).shares).toEqual([expect.objectContaining({ userId: blair, sharedById: await actorOf(c) })]);
      await expectAudited(c, 'workitem.shared', { targetUserId: blair });
      // Blair, a guest of ENG, can now open MKT-4 and nothing else of MKT.
      const access = (await loadItemForViewer(c.db, await viewerFor(c.db, EMAIL.blair), { spaceKey: 'MKT', number: 4 }))?.access;
      expect(access).toMatchObject({ view: true, viaShare: true, browseSpace: false, edit: false });
    },
  },
  {
    source: ITEMS,
    name: 'shareWorkItemAction',
    scenario: '@ENG-2 (with Casey)',
    checks: "'jira.use', then may share: licensed and browses the item's space",
    cells: cells('U    ok   ok   ok   ok   N    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'ENG', number: 2, userId: await c.idOf(EMAIL.casey) })),
    verify: async (c) => {
      const casey = await c.idOf(EMAIL.casey);
      expect(c.value).toBe('Shared with Casey Jones.');
      expect((await item(c, 'ENG', 2)).shares).toEqual([expect.objectContaining({ userId: casey, sharedById: await actorOf(c) })]);
      await expectAudited(c, 'workitem.shared', { targetUserId: casey });
    },
  },
  {
    source: ITEMS,
    name: 'unshareWorkItemAction',
    scenario: '@MKT-2 (from Blair)',
    checks: "'jira.use', then may share (the recipient of a share cannot manage it)",
    cells: cells('U    ok   ok   ok   ok   F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'MKT', number: 2, userId: await c.idOf(EMAIL.blair) })),
    verify: async (c) => {
      expect(c.value).toBe('No longer shared.');
      expect((await item(c, 'MKT', 2)).shares).toEqual([]);
      await expectAudited(c, 'workitem.unshared', { targetUserId: await c.idOf(EMAIL.blair) });
    },
  },

  // ----- Space settings → People (any signed-in person; then 'administer' in that space) ---------
  {
    source: PEOPLE,
    name: 'searchSitePeopleAction',
    scenario: '@MKT ("jor")',
    checks: "signed in, then 'administer' in the space (AccessDenied → FORBIDDEN, also when it can't be seen)",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   ok   F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: callAction(() => ({ spaceKey: 'MKT', query: 'jor' })),
    verify: async (c) => {
      expect(c.value).toEqual([{ userId: await c.idOf(EMAIL.jordan), name: 'Jordan Blake', email: EMAIL.jordan, siteGuest: true, spaceRole: null }]);
    },
  },
  {
    source: PEOPLE,
    name: 'addPeopleAction',
    scenario: '@MKT (Jordan as Guest)',
    checks: "signed in, then 'administer' in the space",
    cells: cells('U    ok   ok   F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', emails: [EMAIL.jordan], role: 'GUEST' })),
    verify: async (c) => {
      expect(c.value).toMatchObject([{ email: EMAIL.jordan, outcome: 'ADDED' }]);
      expect(await membershipOf(c, 'MKT', EMAIL.jordan)).toBe('GUEST');
      expect((await loadViewer(c.db, (await viewerFor(c.db, EMAIL.jordan)).sessionId))?.guestSpace?.key).toBe('MKT');
      await expectAudited(c, 'space.member.added', { targetUserId: await c.idOf(EMAIL.jordan) });
    },
  },
  {
    source: PEOPLE,
    name: 'changeSpaceRoleAction',
    scenario: '@MKT (Lee → Viewer)',
    checks: "signed in, then 'administer' in the space",
    cells: cells('U    ok   ok   F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'MKT', userId: await c.idOf(EMAIL.lee), role: 'VIEWER' })),
    verify: async (c) => {
      expect(c.value).toBe('Lee Chen now has the Viewer role.');
      expect(await membershipOf(c, 'MKT', EMAIL.lee)).toBe('VIEWER');
      await expectAudited(c, 'space.member.role_changed', { targetUserId: await c.idOf(EMAIL.lee) });
    },
  },
  {
    source: PEOPLE,
    name: 'removeFromSpaceAction',
    scenario: '@MKT (Casey)',
    checks: "signed in, then 'administer' in the space",
    cells: cells('U    ok   ok   F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(async (c) => ({ spaceKey: 'MKT', userId: await c.idOf(EMAIL.casey) })),
    verify: async (c) => {
      expect(c.value).toBe('Casey Jones was removed from this space.');
      expect(await membershipOf(c, 'MKT', EMAIL.casey)).toBeNull();
      expect(await c.db.guestSpaceAssignment.count({ where: { user: { email: EMAIL.casey } } })).toBe(0);
      await expectAudited(c, 'space.member.removed', { targetUserId: await c.idOf(EMAIL.casey) });
    },
  },
  {
    source: PEOPLE,
    name: 'requestAccessForAction',
    scenario: '@MKT (for an address not on the site)',
    checks: "signed in, then 'administer' in the space",
    cells: cells('U    ok   ok   F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: callAction(() => ({ spaceKey: 'MKT', email: FRIEND, note: 'Our agency contact' })),
    verify: async (c) => {
      expect(c.value).toBe(`Access requested for ${FRIEND}. A site admin will review it.`);
      const space = await c.db.space.findFirstOrThrow({ where: { key: 'MKT' } });
      expect(await requestOf(c, FRIEND)).toMatchObject({ state: 'PENDING', requestedById: await actorOf(c), spaceId: space.id, userId: null, note: 'Our agency contact' });
      await expectAudited(c, 'access_request.created');
    },
  },

  // ----- Invitations: the token is the capability -----------------------------------------------
  {
    source: INVITE,
    name: 'acceptInviteAction',
    scenario: "(Dana's invitation)",
    checks: 'a valid token; signed out → sign in first; signed in → only as the invited address (everyone else: "This invitation is for …")',
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('L    E    E    E    E    E    E    E    E    E    E    ok', {
      L: 'redirect to /login, back to the invitation after',
      E: `error: This invitation is for ${EMAIL.dana}.`,
    }),
    mutates: true,
    call: async (c, action) => {
      const token = c.facts.tokens.dana;
      const outcome = await fromRedirectOr(() => (action as typeof inviteActions.acceptInviteAction)({}, form({ token })), '/', (state) => refused(`error: ${state.error}`));
      const signInFirst = `redirect /login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;
      return !outcome.allowed && outcome.refusal === signInFirst ? refused('redirect to /login, back to the invitation after') : outcome;
    },
    verify: async (c) => {
      const dana = await actorOf(c);
      expect(await invitationOf(c, EMAIL.dana)).toMatchObject({ state: 'ACCEPTED', acceptedUserId: dana });
      expect(await jiraRoleOf(c, EMAIL.dana)).toBe('GUEST');
      expect(await c.db.siteUser.count({ where: { userId: dana } })).toBe(1);
      expect(await lastAudit(c, 'invitation.accepted')).toMatchObject({ actorId: dana, targetUserId: dana, ip: CLIENT.ip });
    },
  },
  {
    source: INVITE,
    name: 'createAccountAction',
    scenario: "(Nova's invitation, no account yet)",
    checks: 'a valid token for an address without an account; who is signed in does not matter (the token is the capability)',
    cells: cells('ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok'),
    mutates: true,
    call: async (c, action) =>
      fromRedirectOr(
        () => (action as typeof inviteActions.createAccountAction)({}, form({ token: c.facts.tokens.nova, name: 'Nova Hire', password: 'nova-password-1' })),
        '/',
        (state) => refused(`error: ${state.error}`),
      ),
    verify: async (c) => {
      const nova = await c.db.user.findUniqueOrThrow({ where: { email: EMAIL.nova } });
      expect(nova.name).toBe('Nova Hire');
      expect(await invitationOf(c, EMAIL.nova)).toMatchObject({ state: 'ACCEPTED', acceptedUserId: nova.id });
      expect(await jiraRoleOf(c, EMAIL.nova)).toBe('GUEST');
      // The browser is now signed in as Nova, whoever it was signed in as before.
      await expectSignedInAs(c, EMAIL.nova);
    },
  },
  {
    source: INVITE,
    name: 'signOutForInviteAction',
    checks: "none needed: ends the caller's own session only, then back to the invitation",
    cells: cells('ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok'),
    mutates: false,
    call: async (c, action) =>
      fromRedirectOr(() => (action as typeof inviteActions.signOutForInviteAction)(form({ token: c.facts.tokens.dana })), `/invite/${c.facts.tokens.dana}`, () => refused('no redirect')),
    verify: expectSignedOut,
  },

  // ----- Session ---------------------------------------------------------------------------------
  {
    source: SESSION,
    name: 'signOutAction',
    checks: "none needed: ends the caller's own session only (Auth.js signOut event → revokeSession)",
    cells: cells('ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok'),
    mutates: false,
    call: async (_c, action) => fromRedirectOr(() => (action as typeof sessionActions.signOutAction)(), '/login', () => refused('no redirect')),
    verify: expectSignedOut,
  },
  {
    source: LOGIN,
    name: 'signInAction',
    checks: "the persona's own password (anon: a wrong one) through lib/auth's authorize; a suspended account is refused",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('W    ok   ok   ok   ok   ok   ok   ok   S    ok   ok   ok', {
      W: 'error: Incorrect email address or password.',
      S: 'error: Your access to this site has been suspended. Contact your site admin.',
    }),
    mutates: true,
    signedIn: false,
    call: async (c, action) =>
      fromRedirectOr(
        () => (action as typeof loginActions.signInAction)({}, form({ ...credentialsOf(c), callbackUrl: '/spaces' })),
        '/spaces',
        (state) => refused(`error: ${state.error}`),
      ),
    verify: async (c) => expectSignedInAs(c, c.persona.email!),
  },

  // ----- Account settings → Security → API tokens (one's own, with usable site access) ----------
  {
    source: API_TOKENS,
    name: 'createApiTokenAction',
    checks: 'canManageOwnApiTokens: on the site, not suspended, with a Jira role or another app',
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    F    ok   F'),
    mutates: true,
    call: callAction(() => ({ name: 'Matrix CLI', expiresInDays: '30' })),
    verify: async (c) => {
      const created = c.value as { name: string; token: string };
      expect(created.name).toBe('Matrix CLI');
      const check = await verifyApiToken(c.db, { email: c.persona.email!, token: created.token });
      expect(check).toMatchObject({ ok: true, userId: await actorOf(c) });
      expect(await c.db.apiToken.findMany({ where: { userId: await actorOf(c), name: 'Matrix CLI' }, select: { revokedAt: true } })).toEqual([{ revokedAt: null }]);
      await expectAudited(c, 'api_token.created', { targetUserId: await actorOf(c) });
    },
  },
  {
    source: API_TOKENS,
    name: 'revokeApiTokenAction',
    scenario: '(their own token)',
    checks: 'canManageOwnApiTokens, then the token must be the caller’s',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    F    ok   F'),
    mutates: true,
    call: callAction((c) => ({ tokenId: c.persona.email ? c.facts.apiTokens[c.persona.email].id : 'none' })),
    verify: async (c) => {
      expect(c.value).toBe('Matrix was revoked.');
      const own = c.facts.apiTokens[c.persona.email!];
      expect((await c.db.apiToken.findUniqueOrThrow({ where: { id: own.id } })).revokedAt).not.toBeNull();
      expect(await verifyApiToken(c.db, { email: c.persona.email!, token: own.token })).toEqual({ ok: false, reason: 'invalid' });
    },
  },
  {
    source: API_TOKENS,
    name: 'revokeApiTokenAction',
    scenario: "(Sam's token)",
    checks: "canManageOwnApiTokens, then the token must be the caller's: anyone else's is NOT_FOUND, a site admin's too",
    cells: cells('U    N    ok   N    N    N    N    N    F    F    N    F'),
    mutates: true,
    call: callAction((c) => ({ tokenId: c.facts.apiTokens[EMAIL.sam].id })),
    verify: async (c) => {
      expect(c.value).toBe('Matrix was revoked.');
      expect((await c.db.apiToken.findUniqueOrThrow({ where: { id: c.facts.apiTokens[EMAIL.sam].id } })).revokedAt).not.toBeNull();
    },
  },

  // ----- Route handlers --------------------------------------------------------------------------
  {
    source: EXPORT_ROUTE,
    name: 'GET',
    scenario: '(?role=guest)',
    checks: "permission 'admin.users.view' (401 signed out, 403 without it)",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: async (_c, handler) => {
      const response = await (handler as typeof exportRoute.GET)(new Request('http://localhost:3000/admin/users/export?role=guest&sort=name&dir=asc'));
      if (response.status === 401) return refused('UNAUTHENTICATED', await response.text());
      if (response.status === 403) return refused('FORBIDDEN', await response.text());
      if (response.status !== 200) return refused(`status ${response.status}`);
      return allowed({ type: response.headers.get('content-type'), body: await response.text() });
    },
    verify: async (c) => {
      const { type, body } = c.value as { type: string; body: string };
      expect(type).toBe('text/csv; charset=utf-8');
      const names = body.split('\r\n').filter(Boolean).map((line) => line.split(',')[0]);
      // Guests and guest invitations (Dana's shows her account's name), by name.
      expect(names).toEqual(['Name', 'Blair Quinn', 'Casey Jones', 'Dana Kim', 'Jordan Blake', EMAIL.nova, EMAIL.taylor]);
    },
  },
  {
    source: AUDIT_EXPORT_ROUTE,
    name: 'GET',
    checks: "permission 'admin.audit.view' (401 signed out, 403 without it)",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: async (_c, handler) => {
      const response = await (handler as typeof auditExportRoute.GET)(new Request('http://localhost:3000/admin/audit-log/export'));
      if (response.status === 401) return refused('UNAUTHENTICATED', await response.text());
      if (response.status === 403) return refused('FORBIDDEN', await response.text());
      if (response.status !== 200) return refused(`status ${response.status}`);
      return allowed({ type: response.headers.get('content-type'), body: await response.text() });
    },
    verify: async (c) => {
      const { type, body } = c.value as { type: string; body: string };
      expect(type).toBe('text/csv; charset=utf-8');
      const lines = body.split('\r\n').filter(Boolean);
      expect(lines[0]).toBe('Date,Actor,Actor email,Action,Target,Details,IP');
      expect(lines.length).toBeGreaterThan(5);
    },
  },
  {
    source: AUTH_ROUTE,
    name: 'GET',
    scenario: '(/api/auth/session)',
    checks: "public (Auth.js); the session endpoint returns only the caller's own session id (lib/auth's session callback)",
    cells: cells('ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok'),
    mutates: false,
    call: async (_c, handler) => {
      const get = handler as typeof authRoute.GET;
      const response = await get(new Request('http://localhost:3000/api/auth/session') as Parameters<typeof get>[0]);
      return response.status === 200 ? allowed(await response.json()) : refused(`status ${response.status}`);
    },
    verify: async (c) => {
      if (c.session) expect(c.value).toMatchObject({ sessionId: c.session.sid });
      else expect(c.value).toBeNull();
    },
  },
  {
    source: AUTH_ROUTE,
    name: 'POST',
    scenario: '(/api/auth/callback/credentials)',
    checks: "the persona's own password (anon: a wrong one) through lib/auth's authorize; a suspended account is refused",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('W    ok   ok   ok   ok   ok   ok   ok   S    ok   ok   ok', { W: 'CredentialsSignin code=credentials', S: 'CredentialsSignin code=suspended' }),
    mutates: true,
    signedIn: false,
    call: async (c, handler) => {
      const post = handler as typeof authRoute.POST;
      const body = new URLSearchParams({ ...credentialsOf(c), callbackUrl: '/spaces', csrfToken: 'stand-in' });
      const request = new Request('http://localhost:3000/api/auth/callback/credentials', { method: 'POST', body });
      const response = await post(request as Parameters<typeof post>[0]);
      const location = response.headers.get('location') ?? '';
      if (response.status === 302 && location === '/spaces') return allowed({ location });
      const code = /^\/login\?error=CredentialsSignin&code=(\w+)$/.exec(location)?.[1];
      return refused(code ? `CredentialsSignin code=${code}` : `status ${response.status} ${location}`);
    },
    verify: async (c) => expectSignedInAs(c, c.persona.email!),
  },
  // ----- REST API (HTTP Basic: email + the persona's own API token; lib/rest/auth.ts) -------------
  {
    source: REST_MYSELF,
    name: 'GET',
    checks: 'a valid API token of an account on the site, not suspended',
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   S    U    ok   O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', '/rest/api/3/myself'),
    verify: async (c) => {
      expect(restBody(c)).toMatchObject({ accountId: await actorOf(c), emailAddress: c.persona.email, active: true });
    },
  },
  {
    source: REST_USER_SEARCH,
    name: 'GET',
    scenario: '(?query=jordan)',
    checks: 'a valid token; then only people the caller may see (licensed: everyone with Jira; a guest: their own space; no Jira: nobody)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   S    U    ok   O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', '/rest/api/3/user/search?query=jordan'),
    verify: async (c) => {
      const names = restBody<{ displayName: string }[]>(c).map((u) => u.displayName);
      expect(names).toEqual(isLicensed(c) ? ['Jordan Blake'] : []);
    },
  },
  {
    source: REST_PROJECT_SEARCH,
    name: 'GET',
    checks: 'a valid token; then only the spaces the caller may browse',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   S    U    ok   O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', '/rest/api/3/project/search'),
    verify: async (c) => {
      const keys = restBody<{ values: { key: string }[] }>(c).values.map((p) => p.key);
      const expected: Partial<Record<PersonaKey, string[]>> = { guestA: ['MKT'], sharedWith: ['MKT'], guestB: ['ENG'], guestNoSpace: [] };
      expect(keys).toEqual(expected[c.persona.key] ?? ['ENG', 'MKT', 'OPS']);
    },
  },
  {
    source: REST_PROJECT,
    name: 'GET',
    scenario: '(MKT)',
    checks: "a valid token; then 'browse' in the space (else 404, as if it didn't exist)",
    cells: cells('U    ok   ok   ok   ok   ok   P    P    S    U    ok   O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', '/rest/api/3/project/MKT', { projectIdOrKey: 'MKT' }),
    verify: async (c) => {
      expect(restBody(c)).toMatchObject({ key: 'MKT', name: 'Marketing' });
    },
  },
  {
    source: REST_PROJECT_ROLES,
    name: 'GET',
    scenario: '(MKT)',
    checks: "a valid token; 'browse' (else 404), then 'administer' (else 403)",
    cells: cells('U    ok   ok   A    A    A    P    P    S    U    A    O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', '/rest/api/3/project/MKT/role', { projectIdOrKey: 'MKT' }),
    verify: async (c) => {
      expect(Object.keys(restBody<Record<string, string>>(c)).sort()).toEqual(['Administrator', 'Guest', 'Member', 'Viewer']);
    },
  },
  {
    source: REST_PROJECT_ROLE,
    name: 'GET',
    scenario: '(MKT, Guest role)',
    checks: "a valid token; 'browse' (else 404), then 'administer' (else 403)",
    cells: cells('U    ok   ok   A    A    A    P    P    S    U    A    O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', `/rest/api/3/project/MKT/role/${GUEST_ROLE}`, { projectIdOrKey: 'MKT', id: GUEST_ROLE }),
    verify: async (c) => {
      expect(restBody<{ actors: { displayName: string }[] }>(c).actors.map((a) => a.displayName)).toEqual(['Casey Jones']);
    },
  },
  {
    source: REST_PROJECT_ROLE,
    name: 'POST',
    scenario: '(MKT, Guest role += Jordan)',
    checks: "a valid token; 'browse' (else 404), then 'administer' (else 403)",
    cells: cells('U    ok   ok   A    A    A    P    P    S    U    A    O', REST_REFUSALS),
    mutates: true,
    call: async (c, handler) =>
      callRest(c, handler, 'POST', `/rest/api/3/project/MKT/role/${GUEST_ROLE}`, { projectIdOrKey: 'MKT', id: GUEST_ROLE }, { user: [await c.idOf(EMAIL.jordan)] }),
    verify: async (c) => {
      expect(restBody<{ actors: { displayName: string }[] }>(c).actors.map((a) => a.displayName)).toEqual(['Casey Jones', 'Jordan Blake']);
      expect(await membershipOf(c, 'MKT', EMAIL.jordan)).toBe('GUEST');
      expect(await lastAudit(c, 'space.member.added')).toMatchObject({ actorId: await actorOf(c), targetUserId: await c.idOf(EMAIL.jordan) });
    },
  },
  {
    source: REST_PROJECT_ROLE,
    name: 'DELETE',
    scenario: '(MKT, Guest role −= Casey)',
    checks: "a valid token; 'browse' (else 404), then 'administer' (else 403)",
    cells: cells('U    ok   ok   A    A    A    P    P    S    U    A    O', REST_REFUSALS),
    mutates: true,
    call: async (c, handler) => {
      const casey = await c.idOf(EMAIL.casey);
      return callRest(c, handler, 'DELETE', `/rest/api/3/project/MKT/role/${GUEST_ROLE}?user=${casey}`, { projectIdOrKey: 'MKT', id: GUEST_ROLE });
    },
    verify: async (c) => {
      expect(c.value).toEqual({ status: 204, body: null });
      expect(await membershipOf(c, 'MKT', EMAIL.casey)).toBeNull();
      expect(await c.db.guestSpaceAssignment.count({ where: { user: { email: EMAIL.casey } } })).toBe(0);
    },
  },
  {
    source: REST_SEARCH_JQL,
    name: 'GET',
    scenario: '(project = ENG)',
    checks: "a valid token; then items of a space the caller may browse (a share doesn't count: 400 as for an unknown project)",
    cells: cells('U    ok   ok   ok   ok   J    J    ok   S    U    J    O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = ENG')}`),
    verify: async (c) => {
      expect(restBody<{ issues: { key: string }[] }>(c).issues.map((i) => i.key).sort()).toEqual(['ENG-1', 'ENG-2', 'ENG-3']);
    },
  },
  {
    source: REST_SEARCH_JQL,
    name: 'POST',
    scenario: '(project = ENG)',
    checks: "a valid token; then items of a space the caller may browse (a share doesn't count: 400 as for an unknown project)",
    cells: cells('U    ok   ok   ok   ok   J    J    ok   S    U    J    O', REST_REFUSALS),
    mutates: false,
    call: (c, handler) => callRest(c, handler, 'POST', '/rest/api/3/search/jql', {}, { jql: 'project = ENG' }),
    verify: async (c) => {
      expect(restBody<{ issues: { key: string }[] }>(c).issues.map((i) => i.key).sort()).toEqual(['ENG-1', 'ENG-2', 'ENG-3']);
    },
  },
  // Security → External users, /verify and Account settings → Two-step verification.
  ...SECURITY_ROWS,
  // Settings → API keys and the organization admin API (/admin/v1, /admin/v2; Bearer key).
  ...ORG_API_ROWS,
];

// ---------------------------------------------------------------------------------------------
// Running the cells

let worlds: Worlds;

beforeAll(async () => {
  worlds = await Worlds.build({ scratchDatabases: 5 });
}, 120_000);
afterAll(async () => {
  await worlds?.drop();
});

function contextFor(db: CallContext['db'], persona: PersonaKey, request: RequestState): CallContext {
  return {
    db,
    persona: PERSONAS[persona],
    facts: worlds.facts,
    request,
    idOf: async (email) => (await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id,
  };
}

const describeCell = (row: MatrixRow, persona: PersonaKey) => {
  const cell = row.cells[persona];
  return `${PERSONAS[persona].label}: ${cell.allow ? 'allowed' : `refused (${cell.refusal})`}`;
};

async function runCell(row: MatrixRow, persona: PersonaKey) {
  const cell = row.cells[persona];
  const world = PERSONAS[persona].world;
  // An allowed call that changes the world runs on a scratch database holding the world as built;
  // every other call runs on the world's long-lived database and must leave it exactly as it was.
  if (cell.allow && row.mutates) await worlds.withFresh(world, (db) => callCell(row, persona, db, false));
  else await callCell(row, persona, worlds.readOnly(world), true);
}

async function callCell(row: MatrixRow, persona: PersonaKey, db: CallContext['db'], unchanged: boolean) {
  const cell = row.cells[persona];
  const session = row.signedIn === false ? null : await openSession(db, PERSONAS[persona]);
  const request: RequestState = { db, token: session, revalidated: [] };
  const context = contextFor(db, persona, request);
  const before = unchanged ? await snapshotWorld(db, session?.sid ?? null) : null;
  const target = MODULES[row.source]?.[row.name];
  if (typeof target !== 'function') throw new Error(`${row.source} exports no function ${row.name}`);

  const outcome = await inRequest(request, () => row.call(context, target));

  if (cell.allow) {
    if (!outcome.allowed) expect.fail(`expected the call to be allowed, it was refused: ${outcome.refusal}${outcome.detail ? ` (${outcome.detail})` : ''}`);
    await row.verify({ ...context, value: outcome.value, session });
  } else {
    expect(outcome.allowed ? { allowed: true, returned: outcome.value } : { refusal: outcome.refusal }, outcome.allowed ? '' : (outcome.detail ?? '')).toEqual({
      refusal: cell.refusal,
    });
  }
  // A refused call (and an allowed one that only reads, or only ends the caller's own session) changed nothing.
  if (before) expect(await snapshotWorld(db, session?.sid ?? null)).toEqual(before);
}

describe('personas are who the matrix says they are', () => {
  it('each signed-in persona loads with the site role, guest space and standing the columns assume', async () => {
    const seen: Record<string, unknown> = {};
    for (const key of PERSONA_KEYS) {
      const persona = PERSONAS[key];
      const db = worlds.readOnly(persona.world);
      const token = await openSession(db, persona);
      const viewer = token ? await loadViewer(db, token.sid) : null;
      seen[key] = viewer && {
        role: siteRoleOf(viewer),
        suspended: viewer.siteAccess?.suspended ?? null,
        onSite: viewer.siteAccess !== null,
        guestSpace: viewer.guestSpace?.key ?? null,
        jira: can(viewer, 'jira.use'),
      };
    }
    const person = (role: string | null, guestSpace: string | null, jira: boolean, extra: Record<string, unknown> = {}) => ({
      role,
      suspended: false,
      onSite: true,
      guestSpace,
      jira,
      ...extra,
    });
    expect(seen).toEqual({
      anonymous: null,
      siteAdmin: person('SITE_ADMIN', null, true),
      spaceAdminA: person('USER', null, true),
      memberA: person('USER', null, true),
      viewerA: person('USER', null, true),
      guestA: person('GUEST', 'MKT', true),
      guestNoSpace: person('GUEST', null, false),
      guestB: person('GUEST', 'ENG', true),
      suspended: person(null, null, false, { suspended: true }),
      removed: person(null, null, false),
      sharedWith: person('GUEST', 'MKT', true),
      outsider: { role: null, suspended: null, onSite: false, guestSpace: null, jira: false },
    });
  });

  it('space roles: A = MKT, B = ENG', async () => {
    const db = worlds.readOnly('base');
    const roles = await db.spaceMembership.findMany({ select: { role: true, space: { select: { key: true } }, user: { select: { email: true } } } });
    const of = (email: string) => Object.fromEntries(roles.filter((r) => r.user.email === email).map((r) => [r.space.key, r.role]));
    expect(of(EMAIL.sam)).toEqual({ MKT: 'ADMINISTRATOR', ENG: 'VIEWER' });
    expect(of(EMAIL.lee)).toEqual({ MKT: 'MEMBER', ENG: 'MEMBER' });
    expect(of(EMAIL.priya)).toEqual({ MKT: 'VIEWER', ENG: 'ADMINISTRATOR', OPS: 'MEMBER' });
    expect(of(EMAIL.casey)).toEqual({ MKT: 'GUEST' });
    expect(of(EMAIL.blair)).toEqual({ ENG: 'GUEST' });
    expect(of(EMAIL.jordan)).toEqual({});
    expect(of(EMAIL.riley)).toEqual({});
  });

  it('only the shared world has ENG-2 shared with Casey; suspension and removal ended the sessions opened before them', async () => {
    const eng2Shares = (world: 'base' | 'shared') =>
      worlds.readOnly(world).workItemShare.count({ where: { workItem: { number: 2, space: { key: 'ENG' } }, user: { email: EMAIL.casey } } });
    expect(await eng2Shares('base')).toBe(0);
    expect(await eng2Shares('shared')).toBe(1);
    const db = worlds.readOnly('base');
    expect(await loadViewer(db, worlds.facts.staleSessions.suspended)).toBeNull();
    expect(await loadViewer(db, worlds.facts.staleSessions.removed)).toBeNull();
  });
});

describe('inventory: the matrix covers every server action and route handler in app/', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  it('every export of a "use server" file and every HTTP method of a route.ts has a row, and every row names one that exists', () => {
    const { endpoints, inlineDirectives } = scanEndpoints(root);
    const inMatrix = [...new Set(ROWS.map((row) => `${row.source}#${row.name}`))].sort();
    expect(inlineDirectives, "'use server' inside a function: move the action to a 'use server' file so the matrix sees it").toEqual([]);
    expect(endpoints.filter((e) => !inMatrix.includes(e)), 'server actions / route handlers without a matrix row').toEqual([]);
    expect(inMatrix.filter((e) => !endpoints.includes(e)), 'matrix rows naming something app/ no longer exports').toEqual([]);
  });

  it('each row calls the function its file exports under its name (rows are handed MODULES[source][name])', () => {
    for (const row of ROWS) expect(typeof MODULES[row.source]?.[row.name], rowTitle(row)).toBe('function');
    // The Auth.js route adds nothing of its own: it is lib/auth's handlers.
    expect(Object.keys(authRoute).sort()).toEqual(['GET', 'POST']);
  });

  it('every row has an allowed cell (so its positive check runs) and rows are unique', () => {
    for (const row of ROWS) expect(Object.values(row.cells).some((cell) => cell.allow), rowTitle(row)).toBe(true);
    const titles = ROWS.map(rowTitle);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('reads exports from source text: functions, consts, destructuring, re-exports; not types', () => {
    expect(
      exportedNames(`'use server';
        // export function commentedOut() {}
        export type State = { a: string };
        export interface Shape { b: number }
        export async function signIn() {}
        export const doThing = defineAction({});
        export const { GET, POST: post } = handlers;
        export { helper, other as renamed, type Hidden };
        export default function Page() {}`),
    ).toEqual(['GET', 'default', 'doThing', 'helper', 'post', 'renamed', 'signIn']);
  });
});

for (const row of ROWS) {
  describe(`${rowTitle(row)} — ${row.checks}`, () => {
    for (const persona of PERSONA_KEYS) {
      // A cell on a database of its own can run alongside others (each call has its own request).
      const own = row.cells[persona].allow && row.mutates;
      (own ? it.concurrent : it)(describeCell(row, persona), () => runCell(row, persona));
    }
  });
}
