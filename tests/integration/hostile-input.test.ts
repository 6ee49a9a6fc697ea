// Hostile input (issue 6): property-based tests (fast-check, fixed seed) against every server action
// and every REST / admin API route handler, called in-process as in the authorization matrix
// (tests/support/matrix.ts: the same stand-ins for '@/lib/auth', '@/lib/db/client', next/*).
//
// Properties:
// - never a 5xx and never an unexpected throw: a server action returns a Result other than
//   INTERNAL (a thrown error other than Next's redirect fails); a route answers < 500;
// - never a write on invalid input: the world's snapshot (snapshotWorld) is the same after every
//   invalid-input run as before it;
// - a clear message naming the field: Result.fieldErrors has the field's key; an API error body
//   mentions the field;
// - open redirects: the login action redirects only to same-origin paths, whatever callbackUrl says.
// The suite prints how many cases it generated.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFigures } from '../support/figures';
import * as adminActions from '@/app/(site)/admin/actions';
import * as apiKeyActions from '@/app/(site)/admin/api-keys/actions';
import * as securityActions from '@/app/(site)/admin/security/external-users/actions';
import * as requestAccessActions from '@/app/(site)/request-access/actions';
import * as apiTokenActions from '@/app/(site)/account/security/api-tokens/actions';
import * as twoStepActions from '@/app/(site)/account/security/two-step/actions';
import * as itemActions from '@/app/(site)/spaces/[key]/items/actions';
import * as peopleActions from '@/app/(site)/spaces/[key]/settings/people/actions';
import * as verifyActions from '@/app/verify/actions';
import * as inviteActions from '@/app/invite/[token]/actions';
import * as loginActions from '@/app/login/actions';
import * as sessionActions from '@/app/actions/session';
import * as restMyself from '@/app/rest/api/3/myself/route';
import * as restUserSearch from '@/app/rest/api/3/user/search/route';
import * as restProjectSearch from '@/app/rest/api/3/project/search/route';
import * as restProject from '@/app/rest/api/3/project/[projectIdOrKey]/route';
import * as restProjectRoles from '@/app/rest/api/3/project/[projectIdOrKey]/role/route';
import * as restProjectRole from '@/app/rest/api/3/project/[projectIdOrKey]/role/[id]/route';
import * as restSearchJql from '@/app/rest/api/3/search/jql/route';
import * as orgInvite from '@/app/admin/v2/orgs/[orgId]/users/invite/route';
import * as orgV2Search from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/search/route';
import * as orgV2User from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/route';
import * as orgV2Suspend from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/suspend/route';
import * as orgV2Restore from '@/app/admin/v2/orgs/[orgId]/directories/[directoryId]/users/[accountId]/restore/route';
import * as orgV1User from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/route';
import * as orgV1Suspend from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/suspend/route';
import * as orgV1Restore from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/restore/route';
import * as orgV1Assign from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/assign/route';
import * as orgV1Revoke from '@/app/admin/v1/orgs/[orgId]/users/[accountId]/roles/revoke/route';
import * as usersExport from '@/app/(site)/admin/users/export/route';
import * as auditExport from '@/app/(site)/admin/audit-log/export/route';
import * as securityExport from '@/app/(site)/admin/security/external-users/export/route';
import * as authRoute from '@/app/api/auth/[...nextauth]/route';
import type { Result } from '@/lib/result';
import type { Db } from '@/lib/db/client';
import { normalizeEmail } from '@/lib/email-address';
import { safeReturnPath } from '@/lib/safe-redirect';
import { EMAIL, openSession, PASSWORD, PERSONAS, Worlds, type PersonaKey, type SessionToken } from '../support/personas';
import { currentRequest, inRequest, RedirectSignal, scanEndpoints, settle, snapshotWorld } from '../support/matrix';
import {
  caseVariant,
  extraFields,
  hostileBodyText,
  hostileEmail,
  hostileParam,
  hostileQuery,
  hostileUrl,
  junk,
  nfkcVariant,
  notAnObject,
  SEED,
  whitespace,
  wrongType,
} from '../support/arbitraries';

// ---------------------------------------------------------------------------------------------
// The runtime around the actions (as in tests/integration/authorization-matrix.test.ts)

const hooks = vi.hoisted(() => ({
  db: (): object => {
    throw new Error('prisma used outside a request');
  },
  /** While set: each session's Viewer is loaded once (invalid-input runs on a world they must not change). */
  viewers: null as Map<string, unknown> | null,
}));

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
    getViewer: async () => {
      const sid = matrix.currentRequest().token?.sid;
      const cache = hooks.viewers;
      if (!cache || !sid) return matrix.viewerOfRequest();
      if (!cache.has(sid)) cache.set(sid, await matrix.viewerOfRequest());
      return cache.get(sid) as Awaited<ReturnType<typeof matrix.viewerOfRequest>>;
    },
    requestInfo: async () => ({ ...matrix.CLIENT }),
  };
});
hooks.db = () => currentRequest().db;

// ---------------------------------------------------------------------------------------------
// Counting

const tally = { cases: 0, serverErrors: 0, writesOnInvalid: 0 };
/** The API answers by status: proves the runs reach the endpoints (not just 401 / 429). */
const apiStatuses: Record<number, number> = {};
const failures: string[] = [];

/** Records a 5xx / unexpected throw (so the summary line counts it) and fails the property. */
function serverError(what: string): never {
  tally.serverErrors++;
  failures.push(what);
  throw new Error(what);
}

const show = (value: unknown) => {
  const text = (() => {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  })();
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
};

// ---------------------------------------------------------------------------------------------
// World, sessions, calls

let worlds: Worlds;
let db: Db;
const sessions = {} as Record<PersonaKey, SessionToken | null>;

const call = <T>(token: SessionToken | null, run: () => Promise<T>, on: Db = db) => inRequest({ db: on, token, revalidated: [] }, run);

/** Same world before and after `run`, except the callers' own sessions and rate-limit counters. */
async function expectNoWrites(label: string, run: () => Promise<void>, on: Db = db) {
  const before = await snapshotWorld(on, null);
  await run();
  const after = await snapshotWorld(on, null);
  if (JSON.stringify(after) !== JSON.stringify(before)) tally.writesOnInvalid++;
  expect(after, `${label}: invalid input changed the world`).toEqual(before);
}

beforeAll(async () => {
  worlds = await Worlds.build({ scratchDatabases: 1 });
  db = worlds.readOnly('base');
  for (const key of ['siteAdmin', 'guestA', 'guestNoSpace', 'memberA', 'outsider', 'anonymous'] as const) sessions[key] = await openSession(db, PERSONAS[key]);
}, 120_000);

afterAll(async () => {
  console.log(`hostile-input: ${tally.cases} generated cases, ${tally.serverErrors} server errors, ${tally.writesOnInvalid} writes on invalid input`);
  console.log(`hostile-input: API answers by status ${JSON.stringify(apiStatuses)}`);
  // For `npm test`'s summary line (lib/cli/test.ts).
  writeFigures('fuzz', { fuzzCases: tally.cases, serverErrors: tally.serverErrors });
  if (failures.length) console.log(`hostile-input failures (first 20):\n${failures.slice(0, 20).join('\n')}`);
  await worlds?.drop();
});

// ---------------------------------------------------------------------------------------------
// Server actions built by defineAction

type Action = (raw: unknown) => Promise<Result<unknown>>;

/** Every defineAction export of every 'use server' file (the others are below, each on its own). */
const NOT_DEFINE_ACTION = new Set(['acceptInviteAction', 'createAccountAction', 'signOutForInviteAction', 'signInAction']);
const ACTION_MODULES: Record<string, Record<string, unknown>> = {
  'admin/actions': adminActions,
  'admin/api-keys/actions': apiKeyActions,
  'admin/security/external-users/actions': securityActions,
  'request-access/actions': requestAccessActions,
  'account/security/api-tokens/actions': apiTokenActions,
  'account/security/two-step/actions': twoStepActions,
  'spaces/[key]/items/actions': itemActions,
  'spaces/[key]/settings/people/actions': peopleActions,
  'verify/actions': verifyActions,
};
const ACTIONS = Object.entries(ACTION_MODULES).flatMap(([file, mod]) =>
  Object.entries(mod)
    .filter(([name, value]) => typeof value === 'function' && !NOT_DEFINE_ACTION.has(name))
    .map(([name, value]) => ({ title: `${file}#${name}`, action: value as Action })),
);

/** Personas tried in order: the first whose call reaches input validation is the one used. */
const CALLERS: PersonaKey[] = ['siteAdmin', 'guestA', 'guestNoSpace', 'memberA', 'outsider'];

/** Calls a server action; any throw (there is no redirect in a defineAction) or INTERNAL fails. */
async function runAction(title: string, action: Action, persona: PersonaKey, raw: unknown): Promise<Result<unknown>> {
  tally.cases++;
  let result: Result<unknown>;
  try {
    result = await call(sessions[persona], () => action(raw));
  } catch (error) {
    return serverError(`${title} threw ${String(error).slice(0, 200)} on ${show(raw)}`);
  }
  if (!result.ok && result.code === 'INTERNAL') serverError(`${title} answered INTERNAL on ${show(raw)}`);
  return result;
}

const ACTION_RUNS = 160;

describe('server actions (defineAction): hostile input as the most privileged persona that reaches validation', () => {
  it('covers every server action in app/ (inventory as in the authorization matrix)', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const actions = scanEndpoints(root).endpoints.filter((endpoint) => !/\/route\.(ts|js|mjs)#/.test(endpoint));
    const covered = new Set([...ACTIONS.map((a) => a.title.split('#')[1]), ...NOT_DEFINE_ACTION, 'signOutAction']);
    expect(actions.filter((endpoint) => !covered.has(endpoint.split('#')[1])), 'server actions without a hostile-input property').toEqual([]);
    expect(ACTIONS.length + NOT_DEFINE_ACTION.size + 1).toBe(actions.length);
  });

  for (const { title, action } of ACTIONS) {
    it(`${title}: invalid input → INVALID_INPUT naming the field, never INTERNAL or a throw, nothing written`, async () => {
      // Who reaches validation: the caller for whom a non-object is refused as INVALID_INPUT.
      let persona: PersonaKey | null = null;
      for (const candidate of CALLERS) {
        const probe = await runAction(title, action, candidate, null);
        if (!probe.ok && probe.code === 'INVALID_INPUT') {
          persona = candidate;
          break;
        }
      }
      expect(persona, `${title}: no persona reaches input validation`).not.toBeNull();
      const caller = persona!;
      // The fields the schema requires: what an empty object is refused for.
      const empty = await runAction(title, action, caller, {});
      const required = !empty.ok && empty.code === 'INVALID_INPUT' ? Object.keys(empty.fieldErrors ?? {}).filter((k) => k !== 'form') : [];

      const hostile = required.length
        ? fc.oneof(
            notAnObject.map((raw) => ({ raw, field: null as string | null })),
            fc.tuple(fc.constantFrom(...required), wrongType.filter((v) => v !== null), extraFields).map(([field, value, extra]) => ({ raw: { ...extra, [field]: value } as unknown, field })),
          )
        : notAnObject.map((raw) => ({ raw, field: null as string | null }));

      hooks.viewers = new Map();
      await expectNoWrites(title, async () => {
        await fc.assert(
          fc.asyncProperty(hostile, async ({ raw, field }) => {
            const result = await runAction(title, action, caller, raw);
            expect(result.ok, `${title} accepted ${show(raw)}`).toBe(false);
            if (result.ok) return;
            expect(result.code, `${title} on ${show(raw)}`).toBe('INVALID_INPUT');
            const keys = Object.keys(result.fieldErrors ?? {});
            expect(keys.length, `${title}: no field named for ${show(raw)}`).toBeGreaterThan(0);
            expect(result.message.trim().length).toBeGreaterThan(0);
            if (field) expect(keys.some((k) => k === field || k.startsWith(`${field}.`)), `${title}: fieldErrors ${show(result.fieldErrors)} don't name "${field}" for ${show(raw)}`).toBe(true);
          }),
          { seed: SEED, numRuns: ACTION_RUNS },
        );
      }).finally(() => {
        hooks.viewers = null;
      });
    });
  }

  it('grant access / review invites with generated (valid and invalid) emails: never INTERNAL, invitations only for normalized addresses', async () => {
    await worlds.withFresh('base', async (scratch) => {
      const admin = await openSession(scratch, PERSONAS.siteAdmin);
      const emails = fc.array(hostileEmail, { minLength: 1, maxLength: 4 });
      await fc.assert(
        fc.asyncProperty(emails, fc.constantFrom('GUEST', 'USER', 'ADMIN', 'OWNER', ''), fc.oneof(fc.constant(undefined), junk), async (list, role, personalMessage) => {
          for (const [name, action] of [['reviewInvitesAction', adminActions.reviewInvitesAction], ['grantAccessAction', adminActions.grantAccessAction]] as const) {
            tally.cases++;
            let result: Result<unknown>;
            try {
              result = await call(admin, () => (action as Action)({ emails: list.join(', '), role, personalMessage }), scratch);
            } catch (error) {
              return serverError(`${name} threw ${String(error).slice(0, 200)}`);
            }
            if (!result.ok && result.code === 'INTERNAL') serverError(`${name} INTERNAL on ${show(list)}`);
            if (!result.ok && result.code === 'INVALID_INPUT') expect(Object.keys(result.fieldErrors ?? {}).length, show(result)).toBeGreaterThan(0);
          }
        }),
        { seed: SEED, numRuns: 60 },
      );
      // Whatever came in, every stored address is in normal form.
      for (const { email } of await scratch.invitation.findMany({ select: { email: true } })) expect(normalizeEmail(email)).toBe(email);
      for (const { email } of await scratch.user.findMany({ select: { email: true } })) expect(normalizeEmail(email)).toBe(email);
    });
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The form actions that are not defineAction: sign-in, invitation acceptance, account creation

const formOf = (fields: Record<string, unknown>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) data.set(key, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  return data;
};

const ORIGIN = 'http://localhost:3000';

/** A redirect target that stays on this origin: a path, not "//host", "/\host", or a scheme. */
function expectSameOriginPath(target: string, from: unknown) {
  expect(target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\'), `redirect to ${show(target)} from ${show(from)}`).toBe(true);
  expect(new URL(target, ORIGIN).origin, `redirect to ${show(target)} from ${show(from)}`).toBe(ORIGIN);
}

describe('form actions outside defineAction', () => {
  it('signInAction: invalid email/password → an error naming the field, no redirect, nothing written', async () => {
    const invalidCredentials = fc.oneof(
      fc.record({ email: fc.oneof(fc.constant(''), whitespace, fc.constant('a'.repeat(300))), password: fc.oneof(fc.constant(PASSWORD), junk) }).map((r) => ({ ...r, field: 'email' })),
      fc.record({ email: fc.constant(EMAIL.alana), password: fc.constantFrom('', 'p'.repeat(1025), 'p'.repeat(100_000)) }).map((r) => ({ ...r, field: 'password' })),
    );
    await expectNoWrites('signInAction', async () => {
      await fc.assert(
        fc.asyncProperty(invalidCredentials, fc.oneof(fc.constant(undefined), hostileUrl), extraFields, async ({ email, password, field }, callbackUrl, extra) => {
          tally.cases++;
          const settled = await call(null, () => settle(() => loginActions.signInAction({}, formOf({ ...extra, email, password, callbackUrl }))));
          expect('returned' in settled, `signInAction redirected on invalid input ${show({ email, password })}`).toBe(true);
          if (!('returned' in settled)) return;
          expect(settled.returned.error?.toLowerCase(), show({ email, password })).toContain(field);
        }),
        { seed: SEED, numRuns: 400 },
      );
    });
  });

  it('signInAction: a successful sign-in redirects to a same-origin path, whatever callbackUrl is', async () => {
    await worlds.withFresh('base', async (scratch) => {
      await fc.assert(
        fc.asyncProperty(hostileUrl, fc.constantFrom(EMAIL.alana, EMAIL.alana.toUpperCase(), ` ${EMAIL.alana} `), async (callbackUrl, email) => {
          tally.cases++;
          // Sign-in is throttled per address and IP (RateLimit rows): volatile, not the subject here.
          await scratch.rateLimit.deleteMany();
          let settled: Awaited<ReturnType<typeof settle<loginActions.SignInState>>>;
          try {
            settled = await call(null, () => settle(() => loginActions.signInAction({}, formOf({ email, password: PASSWORD, callbackUrl }))), scratch);
          } catch (error) {
            return serverError(`signInAction threw ${String(error).slice(0, 200)} for callbackUrl ${show(callbackUrl)}`);
          }
          expect('redirect' in settled, `no redirect: ${show(settled)}`).toBe(true);
          if ('redirect' in settled) {
            expectSameOriginPath(settled.redirect, callbackUrl);
            expect(settled.redirect).toBe(safeReturnPath(callbackUrl));
          }
        }),
        { seed: SEED, numRuns: 40 },
      );
    });
  }, 60_000);

  it('acceptInviteAction / signOutForInviteAction / createAccountAction: hostile tokens and fields → an error, never a throw or a write', async () => {
    const badToken = fc.oneof(junk, hostileParam, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/));
    await expectNoWrites('invite actions', async () => {
      await fc.assert(
        fc.asyncProperty(badToken, fc.constantFrom<PersonaKey>('anonymous', 'siteAdmin', 'guestNoSpace'), async (token, persona) => {
          tally.cases++;
          try {
            const settled = await call(sessions[persona], () => settle(() => inviteActions.acceptInviteAction({}, formOf({ token }))));
            if ('redirect' in settled) expectSameOriginPath(settled.redirect, token);
            else expect(settled.returned.error, show(token)).toBeTruthy();
          } catch (error) {
            if (error instanceof RedirectSignal) return;
            serverError(`acceptInviteAction threw ${String(error).slice(0, 200)} on ${show(token)}`);
          }
          // "Not you?" and sign-out, signed out (a signed-in caller's sign-out is a write by design).
          if (persona === 'anonymous') {
            tally.cases += 2;
            for (const run of [() => inviteActions.signOutForInviteAction(formOf({ token })), () => sessionActions.signOutAction()]) {
              const settled = await call(null, () => settle(run));
              expect('redirect' in settled, `no redirect for ${show(token)}`).toBe(true);
              if ('redirect' in settled) expectSameOriginPath(settled.redirect, token);
            }
          }
        }),
        { seed: SEED, numRuns: 300 },
      );
      // createAccountAction with the real, open invitation but invalid name / password: nothing made.
      const invalidAccount = fc.oneof(
        fc.record({ name: fc.oneof(fc.constant(''), whitespace, fc.constant('n'.repeat(101)), fc.constant('n'.repeat(100_000))), password: fc.constant(`${PASSWORD}!`) }).map((r) => ({ ...r, field: 'name' })),
        fc.record({ name: fc.constant('Nova Hire'), password: fc.constantFrom('', 'short', 'p'.repeat(257), 'p'.repeat(100_000)) }).map((r) => ({ ...r, field: 'password' })),
      );
      await fc.assert(
        fc.asyncProperty(invalidAccount, extraFields, async ({ name, password, field }, extra) => {
          tally.cases++;
          const settled = await call(null, () => settle(() => inviteActions.createAccountAction({}, formOf({ ...extra, token: worlds.facts.tokens.nova, name, password }))));
          expect('returned' in settled, `createAccountAction went on with ${show({ name, password })}`).toBe(true);
          if ('returned' in settled) expect(Object.keys(settled.returned.fieldErrors ?? {}), show({ name, password })).toContain(field);
        }),
        { seed: SEED, numRuns: 200 },
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Open redirects: safeReturnPath (pure, cheap)

describe('safeReturnPath', () => {
  it('always returns a same-origin path, and the input itself only when it is one', () => {
    fc.assert(
      fc.property(fc.oneof(hostileUrl, junk), (value) => {
        tally.cases++;
        const out = safeReturnPath(value);
        expectSameOriginPath(out, value);
        if (out !== '/') expect(out).toBe(value);
      }),
      { seed: SEED, numRuns: 4000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// REST API (/rest/api/3, HTTP Basic email:token) and admin API (/admin/v1|v2, Bearer key)

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Endpoint = {
  title: string;
  handler: Handler;
  method: 'GET' | 'POST' | 'DELETE';
  api: 'rest' | 'org';
  /** The path after the API's prefix, from the route's params. */
  path: (p: Record<string, string>) => string;
  /** Path params: fixed (real) values; hostile ones replace them in some runs. */
  params: (ids: Ids) => Record<string, string>;
  query: readonly string[];
  /** Body fields, for "the error names the field". */
  fields?: readonly string[];
};
type Ids = { orgId: string; siteId: string; jordan: string };

const rest = (title: string, handler: unknown, method: Endpoint['method'], path: Endpoint['path'], params: Endpoint['params'], query: readonly string[], fields?: readonly string[]): Endpoint => ({
  title: `REST ${method} ${title}`,
  handler: handler as Handler,
  method,
  api: 'rest',
  path,
  params,
  query,
  fields,
});
const org = (title: string, handler: unknown, method: Endpoint['method'], path: Endpoint['path'], params: Endpoint['params'], fields?: readonly string[]): Endpoint => ({
  title: `admin API ${method} ${title}`,
  handler: handler as Handler,
  method,
  api: 'org',
  path,
  params,
  query: ['cursor', 'limit'],
  fields,
});

const e = encodeURIComponent;
const ENDPOINTS: Endpoint[] = [
  rest('/myself', restMyself.GET, 'GET', () => '/myself', () => ({}), ['expand']),
  rest('/user/search', restUserSearch.GET, 'GET', () => '/user/search', () => ({}), ['query', 'username', 'accountId', 'startAt', 'maxResults']),
  rest('/project/search', restProjectSearch.GET, 'GET', () => '/project/search', () => ({}), ['query', 'keys', 'startAt', 'maxResults', 'orderBy']),
  rest('/project/{key}', restProject.GET, 'GET', (p) => `/project/${e(p.projectIdOrKey)}`, () => ({ projectIdOrKey: 'MKT' }), ['expand']),
  rest('/project/{key}/role', restProjectRoles.GET, 'GET', (p) => `/project/${e(p.projectIdOrKey)}/role`, () => ({ projectIdOrKey: 'MKT' }), []),
  rest('/project/{key}/role/{id}', restProjectRole.GET, 'GET', (p) => `/project/${e(p.projectIdOrKey)}/role/${e(p.id)}`, () => ({ projectIdOrKey: 'MKT', id: '10005' }), ['excludeInactiveUsers']),
  rest('/project/{key}/role/{id}', restProjectRole.POST, 'POST', (p) => `/project/${e(p.projectIdOrKey)}/role/${e(p.id)}`, () => ({ projectIdOrKey: 'MKT', id: '10005' }), [], ['user', 'group', 'groupId']),
  rest('/project/{key}/role/{id}', restProjectRole.DELETE, 'DELETE', (p) => `/project/${e(p.projectIdOrKey)}/role/${e(p.id)}`, () => ({ projectIdOrKey: 'MKT', id: '10005' }), ['user', 'group', 'groupId']),
  rest('/search/jql', restSearchJql.GET, 'GET', () => '/search/jql', () => ({}), ['jql', 'maxResults', 'nextPageToken', 'fields']),
  rest('/search/jql', restSearchJql.POST, 'POST', () => '/search/jql', () => ({}), [], ['jql', 'maxResults', 'nextPageToken', 'fields']),
  org('/v2/users/invite', orgInvite.POST, 'POST', () => '/v2/users/invite', () => ({}), ['emails', 'permissionRules', 'additionalGroups', 'sendNotification', 'notificationText']),
  org('/v2/directories/{d}/users/search', orgV2Search.POST, 'POST', (p) => `/v2/directories/${e(p.directoryId)}/users/search`, () => ({ directoryId: '-' }), ['cursor', 'limit', 'status', 'roleIds', 'searchTerm']),
  org('/v2/directories/{d}/users/{a}', orgV2User.DELETE, 'DELETE', (p) => `/v2/directories/${e(p.directoryId)}/users/${e(p.accountId)}`, () => ({ directoryId: '-', accountId: 'nobody' })),
  org('/v2/directories/{d}/users/{a}/suspend', orgV2Suspend.POST, 'POST', (p) => `/v2/directories/${e(p.directoryId)}/users/${e(p.accountId)}/suspend`, () => ({ directoryId: '-', accountId: 'nobody' })),
  org('/v2/directories/{d}/users/{a}/restore', orgV2Restore.POST, 'POST', (p) => `/v2/directories/${e(p.directoryId)}/users/${e(p.accountId)}/restore`, () => ({ directoryId: '-', accountId: 'nobody' })),
  org('/v1/users/{a}', orgV1User.DELETE, 'DELETE', (p) => `/v1/users/${e(p.accountId)}`, () => ({ accountId: 'nobody' })),
  org('/v1/users/{a}/suspend', orgV1Suspend.POST, 'POST', (p) => `/v1/users/${e(p.accountId)}/suspend`, () => ({ accountId: 'nobody' })),
  org('/v1/users/{a}/restore', orgV1Restore.POST, 'POST', (p) => `/v1/users/${e(p.accountId)}/restore`, () => ({ accountId: 'nobody' })),
  org('/v1/users/{a}/roles/assign', orgV1Assign.POST, 'POST', (p) => `/v1/users/${e(p.accountId)}/roles/assign`, (ids) => ({ accountId: ids.jordan }), ['role', 'resource']),
  org('/v1/users/{a}/roles/revoke', orgV1Revoke.POST, 'POST', (p) => `/v1/users/${e(p.accountId)}/roles/revoke`, (ids) => ({ accountId: ids.jordan }), ['role', 'resource']),
];

let ids: Ids;
let restCalls = 0;

/** Sends a request as Alana (site admin): her API token (REST) or her organization API key (admin API). */
async function send(endpoint: Endpoint, params: Record<string, string>, query: string, body: { text: string; type: string | null } | null) {
  // The APIs rate-limit per token and key (300 a minute): the counters are volatile, not the subject here.
  if (++restCalls % 200 === 0) await db.rateLimit.deleteMany();
  const headers = new Headers({ 'user-agent': 'hostile-input', accept: 'application/json' });
  if (endpoint.api === 'rest') {
    const token = worlds.facts.apiTokens[EMAIL.alana].token;
    headers.set('authorization', `Basic ${Buffer.from(`${EMAIL.alana}:${token}`).toString('base64')}`);
  } else {
    headers.set('authorization', `Bearer ${worlds.facts.orgApiKeys[EMAIL.alana].key}`);
  }
  if (body?.type) headers.set('content-type', body.type);
  const prefix = endpoint.api === 'rest' ? '/rest/api/3' : `/admin`;
  const orgPath = endpoint.api === 'org' ? endpoint.path(params).replace(/^\/(v1|v2)/, `/$1/orgs/${ids.orgId}`) : endpoint.path(params);
  const url = `${ORIGIN}${prefix}${orgPath}${query ? `?${query}` : ''}`;
  const request = new Request(url, { method: endpoint.method, headers, body: body && endpoint.method !== 'GET' ? body.text : undefined });
  tally.cases++;
  let response: Response;
  try {
    response = await call(null, () => endpoint.handler(request, { params: Promise.resolve(endpoint.api === 'org' ? { orgId: ids.orgId, ...params } : params) }));
  } catch (error) {
    return serverError(`${endpoint.title} threw ${String(error).slice(0, 200)} (${url.slice(0, 200)}, body ${show(body?.text)})`);
  }
  const text = await response.text();
  apiStatuses[response.status] = (apiStatuses[response.status] ?? 0) + 1;
  if (response.status >= 500) serverError(`${endpoint.title} answered ${response.status} ${text.slice(0, 200)} (${url.slice(0, 200)}, body ${show(body?.text)})`);
  return { status: response.status, text };
}

const REST_RUNS = 40;

describe('REST and admin API route handlers: hostile requests', () => {
  beforeAll(async () => {
    const site = await db.site.findFirstOrThrow({ select: { id: true, organizationId: true } });
    const jordan = await db.user.findUniqueOrThrow({ where: { email: EMAIL.jordan }, select: { id: true } });
    ids = { orgId: site.organizationId, siteId: site.id, jordan: jordan.id };
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.title}: never a 5xx or a throw, nothing written by a malformed request`, async () => {
      const bodies = fc.record({
        text: hostileBodyText,
        type: fc.constantFrom<string | null>('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', null),
      });
      // Hostile query and path params, and (POST) a malformed or junk body; every run is invalid:
      // a mutating endpoint gets either junk params or a junk body.
      const request = fc.record({
        params: fc.oneof(
          fc.constant(endpoint.params(ids)),
          fc.dictionary(fc.constantFrom(...Object.keys(endpoint.params(ids)), 'x'), hostileParam).map((p) => ({ ...endpoint.params(ids), ...p })),
        ),
        query: hostileQuery(endpoint.query),
        body: endpoint.method === 'POST' ? bodies : fc.constant(null),
      });
      await expectNoWrites(endpoint.title, async () => {
        await fc.assert(
          fc.asyncProperty(request, async ({ params, query, body }) => {
            const { status } = await send(endpoint, params, query, body);
            expect(status).toBeLessThan(500);
          }),
          { seed: SEED, numRuns: REST_RUNS },
        );
      });
    });

    if (endpoint.fields?.length) {
      it(`${endpoint.title}: a body field of the wrong type → 400 whose error names the field, nothing written`, async () => {
        const wrong = fc.tuple(fc.constantFrom(...endpoint.fields!), wrongType.filter((v) => v !== null), extraFields);
        await expectNoWrites(endpoint.title, async () => {
          await fc.assert(
            fc.asyncProperty(wrong, async ([field, value, extra]) => {
              const { status, text } = await send(endpoint, endpoint.params(ids), '', { text: JSON.stringify({ ...extra, [field]: value }), type: 'application/json' });
              expect(status, `${endpoint.title} {${field}: ${show(value)}}`).toBeGreaterThanOrEqual(400);
              if (status === 413) return; // the whole body is too large: no field to name
              expect(text, `${endpoint.title}: the error for {"${field}": ${show(value)}} doesn't name "${field}"`).toContain(field);
            }),
            { seed: SEED, numRuns: 25 },
          );
        });
      });
    }
  }

  it('session-authenticated export routes and the Auth.js route: hostile query strings and forms → never a 5xx', async () => {
    const exports = [
      ['users export', usersExport.GET, '/admin/users/export', ['q', 'role', 'status', 'sort', 'dir', 'cursor', 'guestSpace', 'expiresWithin']],
      ['audit-log export', auditExport.GET, '/admin/audit-log/export', ['actor', 'action', 'target', 'from', 'to', 'cursor']],
      ['external-users export', securityExport.GET, '/admin/security/external-users/export', ['q', 'cursor']],
    ] as const;
    await expectNoWrites('export routes', async () => {
      for (const [title, handler, path, keys] of exports) {
        await fc.assert(
          fc.asyncProperty(hostileQuery(keys), async (query) => {
            tally.cases++;
            let status: number;
            try {
              const response = await call(sessions.siteAdmin, () => (handler as unknown as Handler)(new Request(`${ORIGIN}${path}?${query}`), { params: Promise.resolve({}) }));
              status = response.status;
              await response.arrayBuffer();
            } catch (error) {
              return serverError(`${title} threw ${String(error).slice(0, 200)} on ?${query.slice(0, 200)}`);
            }
            if (status >= 500) serverError(`${title} answered ${status} on ?${query.slice(0, 200)}`);
          }),
          { seed: SEED, numRuns: 100 },
        );
      }
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('session', 'csrf', 'providers', 'signout', 'nope', 'callback/nope'), hostileQuery(['callbackUrl']), async (action, query) => {
          tally.cases++;
          try {
            const response = await call(sessions.siteAdmin, () => authRoute.GET(new Request(`${ORIGIN}/api/auth/${action}?${query}`) as never));
            if (response.status >= 500) serverError(`auth GET ${action} answered ${response.status}`);
          } catch (error) {
            serverError(`auth GET ${action} threw ${String(error).slice(0, 200)}`);
          }
        }),
        { seed: SEED, numRuns: 100 },
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// One address, one invitation: case and Unicode variants can't make a second one

describe('email normalization in the database', () => {
  it('grantAccessAction with case/NFKC/whitespace variants of one address → one invitation', async () => {
    await worlds.withFresh('base', async (scratch) => {
      const admin = await openSession(scratch, PERSONAS.siteAdmin);
      const base = 'variant.person@partnerco.io';
      const variants = fc.tuple(whitespace, fc.oneof(caseVariant(base), nfkcVariant(base).chain(caseVariant)), whitespace).map(([a, v, b]) => `${a}${v}${b}`);
      await fc.assert(
        fc.asyncProperty(variants, async (variant) => {
          tally.cases++;
          const result = await call(admin, () => adminActions.grantAccessAction({ emails: variant, role: 'GUEST' }), scratch);
          expect(result.ok, show(result)).toBe(true);
        }),
        { seed: SEED, numRuns: 25 },
      );
      const invitations = await scratch.invitation.findMany({ where: { email: { contains: 'variant.person', mode: 'insensitive' } }, select: { email: true } });
      expect(invitations).toEqual([{ email: base }]);
    });
  }, 60_000);

  it('the database refuses an address that is not lower-case and trimmed (CHECK constraint)', async () => {
    await worlds.withFresh('base', async (scratch) => {
      for (const email of ['Mixed.Case@Example.com', ' padded@example.com', 'padded@example.com ', 'UPPER@EXAMPLE.COM']) {
        await expect(scratch.user.create({ data: { email, emailDomain: 'example.com', name: 'Not Normalized' } }), email).rejects.toThrow(/User_email_normalized/);
        await expect(scratch.invitation.updateMany({ where: { state: { not: 'PENDING' } }, data: { email } }), email).rejects.toThrow(/Invitation_email_normalized/);
      }
    });
  });

  it('the CHECK constraint refuses every address normalizeEmail would change (tab/newline padding, fullwidth forms)', async () => {
    await worlds.withFresh('base', async (scratch) => {
      const accepted: string[] = [];
      for (const email of ['padded@example.com\t', '\npadded@example.com', 'padded@example.com\r\n', 'ｆｕｌｌ@example.com', 'nbsp@example.com\u00a0']) {
        expect(normalizeEmail(email)).not.toBe(email);
        try {
          await scratch.user.create({ data: { email, emailDomain: 'example.com', name: 'Not Normalized' } });
          accepted.push(email);
        } catch (error) {
          expect(String(error)).toMatch(/User_email_normalized/);
        }
      }
      expect(accepted, 'non-normalized addresses the User_email_normalized CHECK (email = lower(btrim(email))) lets in').toEqual([]);
    });
  });
});
