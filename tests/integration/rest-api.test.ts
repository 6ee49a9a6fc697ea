import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCloudClient, isApiError } from 'jira.js';
import type { Db } from '@/lib/db/client';
import type { Viewer } from '@/lib/access/policy';
import { seedDemo } from '@/prisma/seed';
import { createApiToken } from '@/lib/api-tokens';
import { actorId } from '@/lib/rest/shapes';
import { shareWorkItem } from '@/lib/work-items/commands';
import { restoreAccess, suspendAccess } from '@/lib/users/manage';
import * as myselfRoute from '@/app/rest/api/3/myself/route';
import * as projectSearchRoute from '@/app/rest/api/3/project/search/route';
import * as projectRoute from '@/app/rest/api/3/project/[projectIdOrKey]/route';
import * as rolesRoute from '@/app/rest/api/3/project/[projectIdOrKey]/role/route';
import * as roleRoute from '@/app/rest/api/3/project/[projectIdOrKey]/role/[id]/route';
import * as userSearchRoute from '@/app/rest/api/3/user/search/route';
import * as jqlRoute from '@/app/rest/api/3/search/jql/route';
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
const REST = `${APP}/rest/api/3`;

// ---------------------------------------------------------------------------------------------
// A router like Next's for the handlers under app/rest/api/3 (static segments before dynamic ones).

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROUTES: [RegExp, string[], object][] = [
  [/^\/rest\/api\/3\/myself$/, [], myselfRoute],
  [/^\/rest\/api\/3\/project\/search$/, [], projectSearchRoute],
  [/^\/rest\/api\/3\/project\/([^/]+)\/role\/([^/]+)$/, ['projectIdOrKey', 'id'], roleRoute],
  [/^\/rest\/api\/3\/project\/([^/]+)\/role$/, ['projectIdOrKey'], rolesRoute],
  [/^\/rest\/api\/3\/project\/([^/]+)$/, ['projectIdOrKey'], projectRoute],
  [/^\/rest\/api\/3\/user\/search$/, [], userSearchRoute],
  [/^\/rest\/api\/3\/search\/jql$/, [], jqlRoute],
];

async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  for (const [pattern, names, module] of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const handler = (module as Record<string, Handler | undefined>)[request.method];
    if (!handler) return new Response(null, { status: 405 });
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response('Not found', { status: 404 });
}

type Caller = { email: string; token: string };
const basic = (c: Caller) => `Basic ${Buffer.from(`${c.email}:${c.token}`).toString('base64')}`;

async function api(method: string, path: string, as: Caller | null, body?: unknown, headers: Record<string, string> = {}) {
  const response = await dispatch(
    new Request(`${APP}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(as ? { authorization: basic(as) } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : null };
}
const get = (path: string, as: Caller | null) => api('GET', path, as);

// ---------------------------------------------------------------------------------------------

const EMAIL = {
  alana: 'alana.admin@acme.com',
  sam: 'sam.rivera@acme.com',
  priya: 'priya.shah@acme.com',
  lee: 'lee.chen@acme.com',
  omar: 'omar.haddad@acme.com',
  casey: 'casey.jones@brightagency.io',
  jordan: 'jordan.blake@northwind-consulting.com',
} as const;
type Person = keyof typeof EMAIL;

let t: TestDatabase;
const viewers = {} as Record<Person, Viewer>;
const as = {} as Record<Person, Caller>;
const ids = {} as Record<Person, string>;
const spaceIds = {} as Record<'MKT' | 'ENG' | 'OPS', string>;
const itemIds = {} as Record<string, string>;

beforeAll(async () => {
  process.env.APP_URL = `${APP}/`;
  t = await createTestDatabase();
  await seedDemo(t.db);
  routeContext.db = t.db;
  for (const person of Object.keys(EMAIL) as Person[]) {
    viewers[person] = await viewerFor(t.db, EMAIL[person]);
    ids[person] = viewers[person].userId;
    const created = await createApiToken(t.db, viewers[person], { name: 'rest-api test', expiresInDays: 1 }, auditOf(viewers[person]));
    as[person] = { email: EMAIL[person], token: created.token };
  }
  for (const space of await t.db.space.findMany()) spaceIds[space.key as 'MKT'] = space.id;
  // Distinct creation times (the seed creates every item in one transaction, at one instant).
  const items = await t.db.workItem.findMany({ include: { space: true } });
  for (const item of items) {
    const createdAt = new Date(Date.UTC(2026, 0, item.number, 9, 0, 0));
    await t.db.workItem.update({ where: { id: item.id }, data: { createdAt, updatedAt: new Date(createdAt.getTime() + 3_600_000) } });
    itemIds[`${item.space.key}-${item.number}`] = item.id;
  }
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await t.drop();
});

// Expected payloads -------------------------------------------------------------------------

const NAMES: Record<Person, string> = {
  alana: 'Alana Admin',
  sam: 'Sam Rivera',
  priya: 'Priya Shah',
  lee: 'Lee Chen',
  omar: 'Omar Haddad',
  casey: 'Casey Jones',
  jordan: 'Jordan Blake',
};

function user(person: Person, { email = true, guest = false, active = true } = {}) {
  return {
    self: `${REST}/user?accountId=${ids[person]}`,
    accountId: ids[person],
    accountType: 'atlassian',
    ...(email ? { emailAddress: EMAIL[person] } : {}),
    displayName: NAMES[person],
    active,
    guest,
  };
}

function project(key: 'MKT' | 'ENG' | 'OPS', lead: ReturnType<typeof user>) {
  const names = { MKT: 'Marketing', ENG: 'Platform', OPS: 'Operations' };
  return {
    self: `${REST}/project/${spaceIds[key]}`,
    id: spaceIds[key],
    key,
    name: names[key],
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    lead,
  };
}

async function actorsOf(key: string, role: 'ADMINISTRATOR' | 'MEMBER' | 'VIEWER' | 'GUEST') {
  const memberships = await t.db.spaceMembership.findMany({ where: { space: { key }, role }, include: { user: true }, orderBy: { user: { name: 'asc' } } });
  return memberships.map((m) => ({ id: actorId(m.id), displayName: m.user.name, type: 'atlassian-user-role-actor', actorUser: { accountId: m.userId } }));
}

const err = (...errorMessages: string[]) => ({ errorMessages, errors: {} });

// ---------------------------------------------------------------------------------------------

describe('GET /rest/api/3/myself', () => {
  it('is the token’s owner, as a Jira user', async () => {
    const admin = await get('/rest/api/3/myself', as.alana);
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(admin.json).toEqual(user('alana'));
    expect(Object.keys(admin.json as object)).toEqual(['self', 'accountId', 'accountType', 'emailAddress', 'displayName', 'active', 'guest']);
    // A guest is told apart in every user payload, and sees their own address.
    expect((await get('/rest/api/3/myself', as.casey)).json).toEqual(user('casey', { guest: true }));
  });
});

describe('GET /rest/api/3/project/search', () => {
  it('as the site admin: every space, by key, with its lead', async () => {
    const res = await get('/rest/api/3/project/search', as.alana);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      self: `${REST}/project/search?startAt=0&maxResults=50`,
      maxResults: 50,
      startAt: 0,
      total: 3,
      isLast: true,
      values: [project('ENG', user('priya')), project('MKT', user('sam')), project('OPS', user('omar'))],
    });
  });

  it('as a guest: only their space, and the lead without an email address', async () => {
    const res = await get('/rest/api/3/project/search', as.casey);
    expect(res.json).toEqual({
      self: `${REST}/project/search?startAt=0&maxResults=50`,
      maxResults: 50,
      startAt: 0,
      total: 1,
      isLast: true,
      values: [project('MKT', user('sam', { email: false }))],
    });
    // A guest without a space has no Jira, so no projects.
    expect((await get('/rest/api/3/project/search', as.jordan)).json).toMatchObject({ total: 0, isLast: true, values: [] });
  });

  it('pages with startAt/maxResults, filters by query and keys, orders by name', async () => {
    const first = await get('/rest/api/3/project/search?maxResults=2', as.lee);
    expect(first.json).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false, nextPage: `${REST}/project/search?maxResults=2&startAt=2` });
    expect((first.json as { values: { key: string }[] }).values.map((p) => p.key)).toEqual(['ENG', 'MKT']);
    const second = await get('/rest/api/3/project/search?maxResults=2&startAt=2', as.lee);
    expect(second.json).toMatchObject({ startAt: 2, total: 3, isLast: true });
    expect((second.json as { values: { key: string }[] }).values.map((p) => p.key)).toEqual(['OPS']);
    expect(second.json).not.toHaveProperty('nextPage');

    const keysOf = async (path: string, who: Caller = as.lee) => ((await get(path, who)).json as { values: { key: string }[] }).values.map((p) => p.key);
    expect(await keysOf('/rest/api/3/project/search?query=plat')).toEqual(['ENG']);
    expect(await keysOf('/rest/api/3/project/search?keys=OPS&keys=mkt')).toEqual(['MKT', 'OPS']);
    expect(await keysOf('/rest/api/3/project/search?keys=OPS,ENG')).toEqual(['ENG', 'OPS']);
    expect(await keysOf('/rest/api/3/project/search?orderBy=name')).toEqual(['MKT', 'OPS', 'ENG']);
    expect(await keysOf('/rest/api/3/project/search?orderBy=-key')).toEqual(['OPS', 'MKT', 'ENG']);
    // The filters never widen what the policy shows.
    expect(await keysOf('/rest/api/3/project/search?keys=ENG', as.casey)).toEqual([]);
    expect(await get('/rest/api/3/project/search?orderBy=issueCount', as.lee)).toMatchObject({
      status: 400,
      json: err("Portico can order projects by key or name only, not 'issueCount'."),
    });
    expect(await get('/rest/api/3/project/search?maxResults=lots', as.lee)).toMatchObject({ status: 400, json: err("The value 'lots' is invalid for maxResults.") });
  });

  it('GET /rest/api/3/project/{idOrKey} answers a browsable space, by key or id; others are 404', async () => {
    expect((await get('/rest/api/3/project/mkt', as.casey)).json).toEqual(project('MKT', user('sam', { email: false })));
    expect((await get(`/rest/api/3/project/${spaceIds.ENG}`, as.lee)).json).toEqual(project('ENG', user('priya')));
    expect(await get('/rest/api/3/project/ENG', as.casey)).toEqual(expect.objectContaining({ status: 404, json: err("No project could be found with key 'ENG'.") }));
    expect(await get(`/rest/api/3/project/${spaceIds.ENG}`, as.casey)).toEqual(expect.objectContaining({ status: 404 }));
    expect(await get('/rest/api/3/project/NOPE', as.alana)).toEqual(expect.objectContaining({ status: 404, json: err("No project could be found with key 'NOPE'.") }));
  });
});

describe('project roles', () => {
  it('GET …/role maps the four roles to their URLs (space administrators only)', async () => {
    const res = await get('/rest/api/3/project/MKT/role', as.alana);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      Administrator: `${REST}/project/MKT/role/10002`,
      Member: `${REST}/project/MKT/role/10003`,
      Viewer: `${REST}/project/MKT/role/10004`,
      Guest: `${REST}/project/MKT/role/10005`,
    });
    expect((await get('/rest/api/3/project/mkt/role', as.sam)).status).toBe(200);
    // A guest and a Member of MKT may browse it but not read its roles; ENG doesn't exist for the guest.
    expect(await get('/rest/api/3/project/MKT/role', as.casey)).toEqual(expect.objectContaining({ status: 403, json: err('You cannot edit the configuration of this project.') }));
    expect(await get('/rest/api/3/project/MKT/role', as.lee)).toEqual(expect.objectContaining({ status: 403 }));
    expect(await get('/rest/api/3/project/ENG/role', as.casey)).toEqual(expect.objectContaining({ status: 404, json: err("No project could be found with key 'ENG'.") }));
    expect(await get('/rest/api/3/project/ENG/role/10002', as.sam)).toEqual(expect.objectContaining({ status: 403 }));
  });

  it('GET …/role/{id} lists the actors, sorted by name, with stable numeric ids', async () => {
    const admins = await get('/rest/api/3/project/MKT/role/10002', as.alana);
    expect(admins.json).toEqual({
      self: `${REST}/project/MKT/role/10002`,
      name: 'Administrator',
      id: 10002,
      description: 'Administers the space: its settings and its people, and all of its work items.',
      actors: [{ id: expect.any(Number), displayName: 'Sam Rivera', type: 'atlassian-user-role-actor', actorUser: { accountId: ids.sam } }],
      scope: { type: 'PROJECT', project: { id: spaceIds.MKT, key: 'MKT', name: 'Marketing' } },
    });
    expect((admins.json as { actors: unknown[] }).actors).toEqual(await actorsOf('MKT', 'ADMINISTRATOR'));
    const guests = await get('/rest/api/3/project/MKT/role/10005', as.sam);
    expect(guests.json).toMatchObject({ name: 'Guest', id: 10005, actors: [{ displayName: 'Casey Jones', actorUser: { accountId: ids.casey } }] });
    const members = await get('/rest/api/3/project/ENG/role/10003', as.priya);
    expect(members.json).toMatchObject({ name: 'Member', actors: await actorsOf('ENG', 'MEMBER') });
    // Same actor, same id, call after call.
    expect((await get('/rest/api/3/project/MKT/role/10002', as.alana)).json).toEqual(admins.json);
    for (const bad of ['10001', '10006', 'abc', '99999999999']) {
      expect(await get(`/rest/api/3/project/MKT/role/${bad}`, as.alana)).toEqual(expect.objectContaining({ status: 404, json: err(`No project role exists with id '${bad}'.`) }));
    }
  });

  it('POST adds a user through Add people, and DELETE removes them through Remove; both audited', async () => {
    const added = await api('POST', '/rest/api/3/project/ENG/role/10004', as.priya, { user: [ids.omar] });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({ name: 'Viewer', id: 10004 });
    expect((added.json as { actors: { displayName: string }[] }).actors.map((a) => a.displayName)).toEqual(['Omar Haddad', 'Sam Rivera']);
    expect(await t.db.spaceMembership.findFirst({ where: { spaceId: spaceIds.ENG, userId: ids.omar }, select: { role: true, addedById: true } })).toEqual({ role: 'VIEWER', addedById: ids.priya });
    expect(await t.db.auditEvent.findFirst({ where: { action: 'space.member.added', targetUserId: ids.omar }, select: { actorId: true, after: true } })).toEqual({
      actorId: ids.priya,
      after: { space: 'ENG', role: 'VIEWER' },
    });
    // Adding someone who already has that role changes nothing.
    expect((await api('POST', '/rest/api/3/project/ENG/role/10004', as.priya, { user: [ids.omar] })).status).toBe(200);

    const removed = await api('DELETE', `/rest/api/3/project/ENG/role/10004?user=${ids.omar}`, as.priya);
    expect(removed).toMatchObject({ status: 204, json: null });
    expect(await t.db.spaceMembership.count({ where: { spaceId: spaceIds.ENG, userId: ids.omar } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { action: 'space.member.removed', targetUserId: ids.omar, actorId: ids.priya } })).toBe(1);
    // Not (or no longer) in that role: 404.
    expect(await api('DELETE', `/rest/api/3/project/ENG/role/10004?user=${ids.omar}`, as.priya)).toEqual(
      expect.objectContaining({ status: 404, json: err(`The user with account ID '${ids.omar}' doesn't have the Viewer role in Platform.`) }),
    );
    expect(await api('DELETE', `/rest/api/3/project/ENG/role/10002?user=${ids.lee}`, as.priya)).toEqual(expect.objectContaining({ status: 404 }));
  });

  it('the one-space rule: a guest of MKT is refused in ENG with the space named, and nothing changes', async () => {
    const before = await t.db.spaceMembership.count();
    const refused = await api('POST', '/rest/api/3/project/ENG/role/10005', as.alana, { user: [ids.casey] });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual(
      err('Casey Jones is already a guest in Marketing (MKT). Guests can only belong to one space per site, so remove them from Marketing first.'),
    );
    expect(await t.db.spaceMembership.count()).toBe(before);
  });

  it('the guest rules: only a site guest holds the Guest role, and a site guest holds nothing else', async () => {
    expect(await api('POST', '/rest/api/3/project/OPS/role/10005', as.alana, { user: [ids.lee] })).toEqual(
      expect.objectContaining({ status: 400, json: err("Lee Chen isn't a guest on this site. Only guests can have the Guest role.") }),
    );
    expect(await api('POST', '/rest/api/3/project/OPS/role/10003', as.alana, { user: [ids.jordan] })).toEqual(
      expect.objectContaining({ status: 400, json: err('Jordan Blake is a guest on this site, so they can only have the Guest role.') }),
    );
    // The spaceless guest can be added as Guest; then a second space is refused.
    expect((await api('POST', '/rest/api/3/project/OPS/role/10005', as.omar, { user: [ids.jordan] })).status).toBe(200);
    expect((await api('POST', '/rest/api/3/project/ENG/role/10005', as.priya, { user: [ids.jordan] })).json).toEqual(
      err('Jordan Blake is already a guest in Operations (OPS). Guests can only belong to one space per site, so remove them from Operations first.'),
    );
    expect((await api('DELETE', `/rest/api/3/project/OPS/role/10005?user=${ids.jordan}`, as.omar)).status).toBe(204);
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: ids.jordan } })).toBe(0);
  });

  it('someone already in the space with another role is moved to this one (changeSpaceRole), last-Administrator rule included', async () => {
    const moved = await api('POST', '/rest/api/3/project/ENG/role/10004', as.priya, { user: [ids.lee] });
    expect(moved.status).toBe(200);
    expect(await t.db.spaceMembership.findFirst({ where: { spaceId: spaceIds.ENG, userId: ids.lee }, select: { role: true } })).toEqual({ role: 'VIEWER' });
    expect((await api('POST', '/rest/api/3/project/ENG/role/10003', as.priya, { user: [ids.lee] })).status).toBe(200);
    expect(await t.db.spaceMembership.findFirst({ where: { spaceId: spaceIds.ENG, userId: ids.lee }, select: { role: true } })).toEqual({ role: 'MEMBER' });

    expect(await api('POST', '/rest/api/3/project/ENG/role/10003', as.alana, { user: [ids.priya] })).toEqual(
      expect.objectContaining({ status: 400, json: err('A space needs at least one Administrator.') }),
    );
    expect(await api('DELETE', `/rest/api/3/project/ENG/role/10002?user=${ids.priya}`, as.alana)).toEqual(
      expect.objectContaining({ status: 400, json: err('A space needs at least one Administrator.') }),
    );
  });

  it('refuses bad requests with Jira error bodies, and refuses non-administrators before reading the body', async () => {
    const path = '/rest/api/3/project/ENG/role/10004';
    expect(await api('POST', path, as.priya, { user: ['nobody-123'] })).toEqual(
      expect.objectContaining({ status: 400, json: err("The user with account ID 'nobody-123' isn't on this site. A site admin must invite them first.") }),
    );
    // An account that exists but isn't on the site: same answer, and no address is revealed.
    const dana = await t.db.user.findUniqueOrThrow({ where: { email: 'dana.kim@pixelworks.studio' } });
    expect((await api('POST', path, as.priya, { user: [dana.id] })).json).toEqual(
      err(`The user with account ID '${dana.id}' isn't on this site. A site admin must invite them first.`),
    );
    expect(await api('POST', path, as.priya, { user: [] })).toEqual(expect.objectContaining({ status: 400, json: err('Add at least one user: {"user": ["<accountId>"]}.') }));
    expect(await api('POST', path, as.priya, { group: ['jira-users'] })).toEqual(
      expect.objectContaining({ status: 400, json: err('Portico has no groups. Add people by account ID with "user".') }),
    );
    expect(await api('POST', path, as.priya, '{not json')).toEqual(
      expect.objectContaining({ status: 400, json: err('Invalid request payload. Refer to the REST API documentation and try again.') }),
    );
    expect(await api('POST', path, as.priya, { user: 'x' })).toEqual(
      expect.objectContaining({ status: 400, json: { errorMessages: ['user must be a list of account IDs.'], errors: { user: 'user must be a list of account IDs.' } } }),
    );
    expect(await api('POST', path, as.priya, `user=${ids.omar}`, { 'content-type': 'application/x-www-form-urlencoded' })).toEqual(
      expect.objectContaining({ status: 415, json: err('Send the request body as JSON (Content-Type: application/json).') }),
    );
    expect(await api('POST', path, as.sam, { user: [ids.omar] })).toEqual(expect.objectContaining({ status: 403, json: err('You cannot edit the configuration of this project.') }));
    expect(await api('POST', '/rest/api/3/project/ENG/role/10004', as.casey, { user: [ids.omar] })).toEqual(expect.objectContaining({ status: 404 }));
    expect(await api('DELETE', path, as.priya)).toEqual(expect.objectContaining({ status: 400, json: err('Name the user to remove: ?user=<accountId>.') }));
    expect(await api('DELETE', `/rest/api/3/project/MKT/role/10003?user=${ids.lee}`, as.casey)).toEqual(expect.objectContaining({ status: 403 }));
    expect(await t.db.spaceMembership.count({ where: { userId: ids.omar, spaceId: spaceIds.ENG } })).toBe(0);
    expect(await t.db.spaceMembership.count({ where: { userId: ids.lee, spaceId: spaceIds.MKT } })).toBe(1);
  });
});

describe('GET /rest/api/3/user/search', () => {
  const search = async (query: string, who: Caller) => {
    const res = await get(`/rest/api/3/user/search?${query}`, who);
    expect(res.status).toBe(200);
    return res.json as ReturnType<typeof user>[];
  };

  it('a licensed user finds anyone on the site with Jira by name or email prefix, with addresses', async () => {
    expect(await search('query=chen', as.lee)).toEqual([user('lee')]);
    expect(await search('query=PRIYA.', as.sam)).toEqual([user('priya')]);
    expect(await search('query=jordan', as.sam)).toEqual([user('jordan', { guest: true })]);
    expect((await search('query=a', as.alana)).map((u) => u.displayName)).toEqual([
      'Alana Admin',
      'Casey Jones',
      'Jordan Blake',
      'Omar Haddad',
      'Priya Shah',
      'Sam Rivera',
    ]);
    // People not on the site (Dana, Morgan) are nobody here; a LIKE wildcard is a plain character.
    expect(await search('query=dana', as.alana)).toEqual([]);
    expect(await search('query=%25', as.alana)).toEqual([]);
    expect((await search('query=a&maxResults=2&startAt=1', as.alana)).map((u) => u.displayName)).toEqual(['Casey Jones', 'Jordan Blake']);
    expect(await search(`accountId=${ids.omar}`, as.lee)).toEqual([user('omar')]);
  });

  it('a guest finds only the people of their own space, by name, without their addresses', async () => {
    expect((await search('query=e', as.casey)).map((u) => u.displayName)).toEqual(['Casey Jones', 'Lee Chen', 'Sam Rivera']);
    expect(await search('query=sam', as.casey)).toEqual([user('sam', { email: false })]);
    expect(await search('query=casey.jones@', as.casey)).toEqual([user('casey', { guest: true })]);
    expect(await search('query=priya', as.casey)).toEqual([]);
    expect(await search('query=sam.rivera', as.casey)).toEqual([]);
    expect(await search(`accountId=${ids.priya}`, as.casey)).toEqual([]);
    // A guest without a space sees nobody.
    expect(await search('query=a', as.jordan)).toEqual([]);
  });

  it('never returns suspended people, and needs a query', async () => {
    await suspendAccess(t.db, viewers.alana, ids.omar, auditOf(viewers.alana));
    expect(await search('query=omar', as.alana)).toEqual([]);
    await restoreAccess(t.db, viewers.alana, ids.omar, auditOf(viewers.alana));
    expect(await search('query=omar', as.alana)).toEqual([user('omar')]);
    expect(await get('/rest/api/3/user/search', as.alana)).toEqual(expect.objectContaining({ status: 400, json: err("One of 'query' or 'accountId' must be specified.") }));
  });
});

describe('GET /rest/api/3/search/jql', () => {
  const jql = (q: string, extra = '') => `/rest/api/3/search/jql?jql=${encodeURIComponent(q)}${extra}`;
  const keys = (json: unknown) => (json as { issues: { key: string }[] }).issues.map((i) => i.key);

  function issue(key: string, summary: string, status: [string, string, string], assignee: ReturnType<typeof user> | null, number: number) {
    const created = new Date(Date.UTC(2026, 0, number, 9, 0, 0));
    return {
      id: itemIds[key],
      key,
      self: `${REST}/issue/${itemIds[key]}`,
      fields: {
        summary,
        status: { name: status[0], statusCategory: { key: status[1], name: status[2] } },
        assignee,
        created: created.toISOString().replace('Z', '+0000'),
        updated: new Date(created.getTime() + 3_600_000).toISOString().replace('Z', '+0000'),
      },
    };
  }

  it('project = KEY ORDER BY created DESC, paged by nextPageToken', async () => {
    const first = await get(jql('project = ENG ORDER BY created DESC', '&maxResults=2'), as.alana);
    expect(first.status).toBe(200);
    const { nextPageToken, ...rest } = first.json as { nextPageToken: string };
    expect(nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(rest).toEqual({
      issues: [
        issue('ENG-3', 'Rotate API signing keys', ['Done', 'done', 'Done'], user('priya'), 3),
        issue('ENG-2', 'Flaky test: invitation expiry', ['To Do', 'new', 'To Do'], user('lee'), 2),
      ],
      isLast: false,
    });
    const second = await get(jql('project = ENG ORDER BY created DESC', `&maxResults=2&nextPageToken=${nextPageToken}`), as.alana);
    expect(second.json).toEqual({
      issues: [issue('ENG-1', 'Upgrade PostgreSQL to 18', ['In Progress', 'indeterminate', 'In Progress'], user('priya'), 1)],
      isLast: true,
    });
  });

  it('keywords and the key are case-insensitive; no ORDER BY is newest first; the project can be named by name or id', async () => {
    expect(keys((await get(jql('PROJECT = eng order by CREATED asc'), as.lee)).json)).toEqual(['ENG-1', 'ENG-2', 'ENG-3']);
    expect(keys((await get(jql('project=ENG order by created'), as.lee)).json)).toEqual(['ENG-1', 'ENG-2', 'ENG-3']);
    expect(keys((await get(jql('project = ENG'), as.lee)).json)).toEqual(['ENG-3', 'ENG-2', 'ENG-1']);
    expect(keys((await get(jql('project = "Platform"'), as.lee)).json)).toEqual(['ENG-3', 'ENG-2', 'ENG-1']);
    expect(keys((await get(jql(`project = '${spaceIds.OPS}'`), as.lee)).json)).toEqual(['OPS-2', 'OPS-1']);
    const ascPages: string[] = [];
    let token: string | undefined;
    do {
      const page = (await get(jql('project = MKT ORDER BY created ASC', `&maxResults=1${token ? `&nextPageToken=${token}` : ''}`), as.sam)).json as {
        issues: { key: string }[];
        nextPageToken?: string;
        isLast: boolean;
      };
      ascPages.push(...page.issues.map((i) => i.key));
      expect(page.isLast).toBe(page.nextPageToken === undefined);
      token = page.nextPageToken;
    } while (token);
    expect(ascPages).toEqual(['MKT-1', 'MKT-2', 'MKT-3', 'MKT-4']);
  });

  it('a guest searches their own space (names only), and another space "does not exist"; a shared item stays out', async () => {
    const res = await get(jql('project = MKT ORDER BY created DESC'), as.casey);
    expect(keys(res.json)).toEqual(['MKT-4', 'MKT-3', 'MKT-2', 'MKT-1']);
    const assignees = (res.json as { issues: { fields: { assignee: unknown } }[] }).issues.map((i) => i.fields.assignee);
    expect(assignees).toEqual([user('casey', { guest: true }), user('sam', { email: false }), user('lee', { email: false }), user('casey', { guest: true })]);

    await shareWorkItem(t.db, viewers.priya, { spaceKey: 'ENG', number: 1, userId: ids.casey }, auditOf(viewers.priya));
    expect(await get(jql('project = ENG'), as.casey)).toEqual(expect.objectContaining({ status: 400, json: err("The value 'ENG' does not exist for the field 'project'.") }));
    expect(keys((await get(jql('project = MKT'), as.casey)).json)).not.toContain('ENG-1');
    expect(await get(jql('project = MKT'), as.jordan)).toEqual(expect.objectContaining({ status: 400, json: err("The value 'MKT' does not exist for the field 'project'.") }));
    expect(await get(jql('project = NOPE'), as.alana)).toEqual(expect.objectContaining({ status: 400, json: err("The value 'NOPE' does not exist for the field 'project'.") }));
  });

  it('fields narrows the fields; POST takes the same query as JSON', async () => {
    const narrowed = await get(jql('project = OPS', '&fields=summary&fields=status'), as.omar);
    expect((narrowed.json as { issues: { fields: object }[] }).issues[0].fields).toEqual({ summary: 'Renew TLS certificates for status page', status: { name: 'In Progress', statusCategory: { key: 'indeterminate', name: 'In Progress' } } });
    const comma = await get(jql('project = OPS', '&fields=created,assignee'), as.omar);
    expect(Object.keys((comma.json as { issues: { fields: object }[] }).issues[0].fields)).toEqual(['assignee', 'created']);
    const all = await get(jql('project = OPS', '&fields=*all'), as.omar);
    expect(Object.keys((all.json as { issues: { fields: object }[] }).issues[0].fields)).toEqual(['summary', 'status', 'assignee', 'created', 'updated']);

    const posted = await api('POST', '/rest/api/3/search/jql', as.omar, { jql: 'project = OPS ORDER BY created ASC', maxResults: 1 });
    expect(posted.status).toBe(200);
    expect(keys(posted.json)).toEqual(['OPS-1']);
    const next = await api('POST', '/rest/api/3/search/jql', as.omar, {
      jql: 'project = OPS ORDER BY created ASC',
      maxResults: 1,
      nextPageToken: (posted.json as { nextPageToken: string }).nextPageToken,
    });
    expect(next.json).toMatchObject({ isLast: true });
    expect(keys(next.json)).toEqual(['OPS-2']);
  });

  it('anything but `project = KEY [ORDER BY created]` is a 400 with an errorMessage; so is a foreign nextPageToken', async () => {
    const unsupported = err('Portico supports JQL of the form: project = KEY [ORDER BY created [ASC|DESC]].');
    for (const q of ['assignee = currentUser()', 'project = ENG AND status = Done', 'project in (ENG, MKT)', 'project = ENG ORDER BY updated DESC', 'project = ENG ORDER BY created DESC, key ASC']) {
      expect(await get(jql(q), as.alana)).toEqual(expect.objectContaining({ status: 400, json: unsupported }));
    }
    expect(await get('/rest/api/3/search/jql', as.alana)).toEqual(
      expect.objectContaining({ status: 400, json: err('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.') }),
    );
    const page = (await get(jql('project = ENG ORDER BY created DESC', '&maxResults=1'), as.alana)).json as { nextPageToken: string };
    const invalid = err('The nextPageToken is invalid, or belongs to another query.');
    expect(await get(jql('project = ENG ORDER BY created ASC', `&nextPageToken=${page.nextPageToken}`), as.alana)).toEqual(expect.objectContaining({ status: 400, json: invalid }));
    expect(await get(jql('project = MKT ORDER BY created DESC', `&nextPageToken=${page.nextPageToken}`), as.alana)).toEqual(expect.objectContaining({ status: 400, json: invalid }));
    expect(await get(jql('project = ENG', '&nextPageToken=garbage'), as.alana)).toEqual(expect.objectContaining({ status: 400, json: invalid }));
  });
});

describe('authentication on every endpoint', () => {
  it('401 without credentials, 403 for a blocked external user, on each endpoint', async () => {
    const paths = [
      ['GET', '/rest/api/3/myself'],
      ['GET', '/rest/api/3/project/search'],
      ['GET', '/rest/api/3/project/MKT'],
      ['GET', '/rest/api/3/project/MKT/role'],
      ['GET', '/rest/api/3/project/MKT/role/10002'],
      ['POST', '/rest/api/3/project/MKT/role/10002'],
      ['DELETE', `/rest/api/3/project/MKT/role/10002?user=${ids.sam}`],
      ['GET', '/rest/api/3/user/search?query=a'],
      ['GET', '/rest/api/3/search/jql?jql=project%20%3D%20MKT'],
      ['POST', '/rest/api/3/search/jql'],
    ] as const;
    const org = await t.db.organization.findFirstOrThrow();
    await t.db.externalUserPolicy.update({ where: { organizationId: org.id }, data: { apiTokensAllowed: false } });
    try {
      for (const [method, path] of paths) {
        const body = method === 'POST' ? { user: [ids.lee], jql: 'project = MKT' } : undefined;
        const anonymous = await api(method, path, null, body);
        expect(anonymous).toEqual(expect.objectContaining({ status: 401, json: err('Client must be authenticated to access this resource.') }));
        expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Portico", charset="UTF-8"');
        expect(await api(method, path, as.casey, body)).toEqual(
          expect.objectContaining({ status: 403, json: err('Your organization admin has blocked API token access for external users.') }),
        );
      }
    } finally {
      await t.db.externalUserPolicy.update({ where: { organizationId: org.id }, data: { apiTokensAllowed: true } });
    }
    expect(await t.db.spaceMembership.count({ where: { userId: ids.sam, spaceId: spaceIds.MKT } })).toBe(1);
  });
});

describe('jira.js (unmodified) against the handlers', () => {
  it('lists projects, reads and changes role actors, searches users and work items, as an admin and as a guest', async () => {
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => dispatch(new Request(input, init)));
    const client = (who: Caller) => createCloudClient({ host: APP, auth: { type: 'basic', email: who.email, apiToken: who.token }, onSchemaMismatch: 'throw' });
    const admin = client(as.alana);

    expect(await admin.myself.getCurrentUser()).toMatchObject({ accountId: ids.alana, displayName: 'Alana Admin' });
    expect((await admin.projects.searchProjects()).values.map((p) => p.key)).toEqual(['ENG', 'MKT', 'OPS']);
    const roles = await admin.projectRoles.getProjectRoles({ projectIdOrKey: 'ENG' });
    expect(Object.keys(roles)).toEqual(['Administrator', 'Member', 'Viewer', 'Guest']);
    const [omar] = await admin.userSearch.findUsers({ query: 'omar' });
    expect(omar.accountId).toBe(ids.omar);
    const afterAdd = await admin.projectRoleActors.addActorUsers({ projectIdOrKey: 'ENG', id: 10004, user: [omar.accountId!] });
    expect(afterAdd.actors?.map((a) => a.actorUser?.accountId)).toContain(ids.omar);
    expect((await admin.projectRoles.getProjectRole({ projectIdOrKey: 'ENG', id: 10004 })).actors?.map((a) => a.displayName)).toEqual(['Omar Haddad', 'Sam Rivera']);
    await admin.projectRoleActors.deleteActor({ projectIdOrKey: 'ENG', id: 10004, user: ids.omar });
    expect((await admin.projectRoles.getProjectRole({ projectIdOrKey: 'ENG', id: 10004 })).actors?.map((a) => a.displayName)).toEqual(['Sam Rivera']);
    const found = await admin.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG ORDER BY created DESC', maxResults: 2, fields: ['summary', 'status'] });
    expect(found.issues?.map((i) => i.key)).toEqual(['ENG-3', 'ENG-2']);
    const rest = await admin.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG ORDER BY created DESC', maxResults: 2, nextPageToken: found.nextPageToken ?? undefined });
    expect(rest).toMatchObject({ isLast: true });
    expect(rest.issues?.map((i) => i.key)).toEqual(['ENG-1']);

    const guest = client(as.casey);
    expect((await guest.projects.searchProjects()).values.map((p) => p.key)).toEqual(['MKT']);
    expect((await guest.userSearch.findUsers({ query: 'e' })).map((u) => u.displayName)).toEqual(['Casey Jones', 'Lee Chen', 'Sam Rivera']);
    expect((await guest.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = MKT' })).issues).toHaveLength(4);
    const refused = await guest.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = ENG' }).catch((error: unknown) => error);
    expect(isApiError(refused) && refused.status).toBe(400);
    const forbidden = await guest.projectRoles.getProjectRoles({ projectIdOrKey: 'MKT' }).catch((error: unknown) => error);
    expect(isApiError(forbidden) && forbidden.status).toBe(403);
    vi.unstubAllGlobals();
  });
});
