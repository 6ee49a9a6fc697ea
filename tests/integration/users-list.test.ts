import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/lib/db/client';
import { AccessDenied, type Viewer } from '@/lib/access/policy';
import { seedDemo } from '@/prisma/seed';
import {
  explainSiteUsersQuery,
  formatListDate,
  listSiteUsers,
  parseUsersListQuery,
  roleLabel,
  siteUsersCsv,
  spaceLabel,
  statusLabel,
  usersListHref,
  usersSortLink,
  usersSummary,
  type UserListRow,
  type UsersListQuery,
  type UsersSort,
} from '@/lib/users/list';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { viewerFor } from '../support/viewers';

// The export route reads the signed-in viewer and the app's Prisma client; point both at this test.
const routeContext = vi.hoisted(() => ({ viewer: null as Viewer | null, db: null as Db | null }));
vi.mock('@/lib/auth', () => ({ getViewer: async () => routeContext.viewer }));
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({} as Db, {
    get(_target, property) {
      const value = Reflect.get(routeContext.db!, property);
      return typeof value === 'function' ? value.bind(routeContext.db) : value;
    },
  }),
}));

let t: TestDatabase;
let admin: Viewer;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  routeContext.db = t.db;
});
afterAll(() => t.drop());

const SORTS: UsersSort[] = ['name', 'email', 'lastActive', 'added'];

async function everyRow(query: Partial<UsersListQuery> = {}, viewer = admin): Promise<UserListRow[]> {
  const page = await listSiteUsers(t.db, viewer, query, { pageSize: 1000 });
  expect(page.next).toBeNull();
  return page.rows;
}
const names = async (query: Partial<UsersListQuery> = {}) => (await everyRow(query)).map((row) => row.name);

async function readAll(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** Everything the page shows for a row, as text. */
const shown = (row: UserListRow) => [
  row.name,
  row.email,
  row.external ? 'EXTERNAL' : '',
  roleLabel(row),
  statusLabel(row),
  spaceLabel(row) ?? '—',
  row.lastActiveAt ? formatListDate(row.lastActiveAt) : 'Never',
];

describe('Users list: what the seed shows', () => {
  it('lists the site users and the pending invitation with role, status, space and activity', async () => {
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com' } });
    const rows = await everyRow({ sort: 'name', dir: 'asc' });
    expect(rows.map(shown)).toEqual([
      ['Alana Admin', 'alana.admin@acme.com', '', 'Admin', 'Active', '—', 'Never'],
      ['Casey Jones', 'casey.jones@brightagency.io', 'EXTERNAL', 'Guest', 'Active', 'Marketing (MKT)', 'Never'],
      ['Jordan Blake', 'jordan.blake@northwind-consulting.com', 'EXTERNAL', 'Guest', 'Active', 'No space', 'Never'],
      ['Lee Chen', 'lee.chen@acme.com', '', 'User', 'Active', '—', 'Never'],
      ['Omar Haddad', 'omar.haddad@acme.com', '', 'User', 'Active', '—', 'Never'],
      ['Priya Shah', 'priya.shah@acme.com', '', 'User', 'Active', '—', 'Never'],
      ['Sam Rivera', 'sam.rivera@acme.com', '', 'User', 'Active', '—', 'Never'],
      ['taylor.morgan@clientco.com', 'taylor.morgan@clientco.com', 'EXTERNAL', 'Guest', `Invited ${formatListDate(invitation.createdAt)}`, '—', 'Never'],
    ]);
    expect(statusLabel(rows[7])).toMatch(/^Invited [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
    // People link to their profile by user id; an invitation links nowhere.
    const alana = await t.db.user.findUniqueOrThrow({ where: { email: 'alana.admin@acme.com' } });
    expect(rows[0]).toMatchObject({ kind: 'user', userId: alana.id, id: alana.id, isSiteAdmin: true });
    expect(rows[7]).toMatchObject({ kind: 'invitation', userId: null, id: invitation.id, addedAt: invitation.createdAt });
    // Morgan Lee has an account and a pending access request, but is not on the site.
    expect(rows.map((r) => r.email)).not.toContain('morgan.lee@freelance.dev');
  });

  it('defaults to newest added first, 50 a page, without Previous or Next for 8 rows', async () => {
    const page = await listSiteUsers(t.db, admin);
    expect(page.rows).toHaveLength(8);
    expect(page.previous).toBeNull();
    expect(page.next).toBeNull();
    const added = page.rows.map((r) => r.addedAt.getTime());
    expect(added).toEqual([...added].sort((a, b) => b - a));
  });

  it('shows the header figures: licensed seats, guests used of the allowance, pending requests', async () => {
    // 5 licensed (Alana + 4 users); 2 guests + 1 pending guest invitation of 5 × 5 allowed.
    expect(await usersSummary(t.db, admin)).toEqual({ licensedSeats: 5, guestsUsed: 3, guestAllowance: 25, pendingAccessRequests: 1 });
  });

  it('marks an invitation past its expiry as expired', async () => {
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com' } });
    const later = new Date(invitation.expiresAt.getTime() + 1000);
    const page = await listSiteUsers(t.db, admin, { status: 'invited' }, { now: later });
    expect(page.rows.map((r) => [r.email, r.status, statusLabel(r)])).toEqual([['taylor.morgan@clientco.com', 'INVITATION_EXPIRED', 'Invitation expired']]);
  });
});

describe('Users list: search', () => {
  it('finds part of a name, case-insensitively', async () => {
    expect(await names({ q: 'chen' })).toEqual(['Lee Chen']);
    expect(await names({ q: 'CHEN' })).toEqual(['Lee Chen']);
    expect(await names({ q: 'ey Jon' })).toEqual(['Casey Jones']);
  });

  it('finds part of an email, case-insensitively, including invitations', async () => {
    expect(await names({ q: 'BrightAgency' })).toEqual(['Casey Jones']);
    expect(await names({ q: 'priya.shah@acme.com' })).toEqual(['Priya Shah']);
    expect(await names({ q: 'clientco' })).toEqual(['taylor.morgan@clientco.com']);
    expect(await names({ q: 'acme.com', sort: 'name', dir: 'asc' })).toEqual(['Alana Admin', 'Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera']);
  });

  it('matches one or two characters as a prefix of the name, of a word in it, or of the email', async () => {
    expect(await names({ q: 'jo', sort: 'name', dir: 'asc' })).toEqual(['Casey Jones', 'Jordan Blake']);
    expect(await names({ q: 'S', sort: 'name', dir: 'asc' })).toEqual(['Priya Shah', 'Sam Rivera']);
    expect(await names({ q: 'ta' })).toEqual(['taylor.morgan@clientco.com']);
    expect(await names({ q: 'en' })).toEqual([]);
  });

  it('survives control characters in the search (PostgreSQL text cannot hold NUL)', async () => {
    expect(parseUsersListQuery({ q: 'Lee\u0000Chen\n' }).q).toBe('Lee Chen');
    expect(await names({ q: 'Lee\u0000Chen' })).toEqual(['Lee Chen']);
  });

  it("finds an invitation by its invitee's account name, and shows someone already on the site once", async () => {
    const site = await t.db.site.findFirstOrThrow({ where: { slug: 'acme' } });
    const jira = await t.db.app.findFirstOrThrow({ where: { siteId: site.id, kind: 'JIRA' } });
    // An account elsewhere (not on this site) whose name is nowhere in its address, invited here.
    const quinn = await t.db.user.create({ data: { email: 'q.o@elsewhere.example', emailDomain: 'elsewhere.example', name: 'Quinn Ortega' } });
    const invite = (email: string) =>
      t.db.invitation.create({
        data: { siteId: site.id, appId: jira.id, email, openEmail: email, role: 'GUEST', tokenHash: crypto.randomBytes(32).toString('hex'), expiresAt: new Date(Date.now() + 86_400_000) },
      });
    const invitations = [await invite(quinn.email), await invite('lee.chen@acme.com')];
    try {
      for (const query of [{ q: 'Ortega' }, { q: 'ortega', status: 'invited' as const }, { q: 'Or', role: 'guest' as const }, { q: 'Ortega', sort: 'name' as const }]) {
        expect((await everyRow(query)).map((r) => [r.kind, r.name, r.email])).toEqual([['invitation', 'Quinn Ortega', 'q.o@elsewhere.example']]);
      }
      // Lee Chen is on the site: the pending invitation to the same address is not a second row.
      expect((await everyRow({ q: 'chen' })).map((r) => [r.kind, r.name])).toEqual([['user', 'Lee Chen']]);
      expect(await everyRow({ q: 'chen', status: 'invited' })).toEqual([]);
    } finally {
      await t.db.invitation.deleteMany({ where: { id: { in: invitations.map((i) => i.id) } } });
      await t.db.user.delete({ where: { id: quinn.id } });
    }
  });

  it('treats LIKE wildcards in the search as plain characters', async () => {
    expect(await names({ q: '%' })).toEqual([]);
    expect(await names({ q: '_' })).toEqual([]);
    expect(await names({ q: 'a%n' })).toEqual([]);
    expect(await names({ q: 'lee_chen' })).toEqual([]);
  });
});

describe('Users list: filters', () => {
  it('filters by Jira role, including invitations by the role they were invited as', async () => {
    expect(await names({ role: 'guest', sort: 'name', dir: 'asc' })).toEqual(['Casey Jones', 'Jordan Blake', 'taylor.morgan@clientco.com']);
    expect(await names({ role: 'user', sort: 'name', dir: 'asc' })).toEqual(['Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera']);
    expect(await names({ role: 'admin' })).toEqual(['Alana Admin']);
    expect(await names({ role: 'none' })).toEqual([]);
  });

  it('filters by status, external and guests without a space; "none" and suspended people show up', async () => {
    const site = await t.db.site.findFirstOrThrow();
    const morgan = await t.db.user.findUniqueOrThrow({ where: { email: 'morgan.lee@freelance.dev' } });
    const omar = await t.db.user.findUniqueOrThrow({ where: { email: 'omar.haddad@acme.com' } });
    // A verified domain's subdomain is internal; a look-alike domain is not.
    const sub = await t.db.user.create({ data: { email: 'eve@eu.acme.com', emailDomain: 'eu.acme.com', name: 'Eve Subdomain' } });
    const lookalike = await t.db.user.create({ data: { email: 'mallory@notacme.com', emailDomain: 'notacme.com', name: 'Mallory Lookalike' } });
    await t.db.siteUser.createMany({
      data: [
        { siteId: site.id, userId: morgan.id },
        { siteId: site.id, userId: sub.id },
        { siteId: site.id, userId: lookalike.id },
      ],
    });
    await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: omar.id } }, data: { suspendedAt: new Date() } });
    try {
      const byName = { sort: 'name', dir: 'asc' } as const;
      expect(await names({ ...byName, role: 'none' })).toEqual(['Eve Subdomain', 'Mallory Lookalike', 'Morgan Lee']);
      expect(await names({ ...byName, status: 'suspended' })).toEqual(['Omar Haddad']);
      expect(await names({ ...byName, status: 'invited' })).toEqual(['taylor.morgan@clientco.com']);
      expect(await names({ ...byName, status: 'active' })).toEqual([
        'Alana Admin', 'Casey Jones', 'Eve Subdomain', 'Jordan Blake', 'Lee Chen', 'Mallory Lookalike', 'Morgan Lee', 'Priya Shah', 'Sam Rivera',
      ]);
      expect(await names({ ...byName, external: true })).toEqual([
        'Casey Jones', 'Jordan Blake', 'Mallory Lookalike', 'Morgan Lee', 'taylor.morgan@clientco.com',
      ]);
      // The SQL filter and the lozenge agree.
      const all = await everyRow(byName);
      expect(all.filter((r) => r.external).map((r) => r.name)).toEqual(await names({ ...byName, external: true }));
      expect(await names({ ...byName, noSpace: true })).toEqual(['Jordan Blake']);
      expect(await names({ ...byName, role: 'guest', external: true, status: 'active' })).toEqual(['Casey Jones', 'Jordan Blake']);
      expect(await names({ ...byName, role: 'user', noSpace: true })).toEqual([]);
      expect(await names({ ...byName, q: 'lee', external: true })).toEqual(['Morgan Lee']);
      // With a search the domain is read from SiteUser's copy of the address: the same answers.
      expect(await names({ ...byName, q: 'acme', external: true })).toEqual(['Mallory Lookalike']);
      expect(await names({ ...byName, q: 'acme', external: false })).toEqual([
        'Alana Admin', 'Eve Subdomain', 'Lee Chen', 'Mallory Lookalike', 'Omar Haddad', 'Priya Shah', 'Sam Rivera',
      ]);
      const suspended = (await everyRow({ status: 'suspended' }))[0];
      expect(statusLabel(suspended)).toBe('Suspended');
    } finally {
      await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: omar.id } }, data: { suspendedAt: null } });
      await t.db.siteUser.deleteMany({ where: { userId: { in: [morgan.id, sub.id, lookalike.id] } } });
      await t.db.user.deleteMany({ where: { id: { in: [sub.id, lookalike.id] } } });
    }
  });

  it('reads the query string with zod; bad values fall back to defaults', () => {
    expect(parseUsersListQuery({})).toEqual({
      q: '', role: null, status: null, external: false, noSpace: false, expiring: null, sort: 'added', dir: 'desc', after: null, before: null,
    });
    expect(parseUsersListQuery({ role: 'owner', status: ['x'], sort: 'password', dir: 'sideways', external: 'yes', nospace: 'true', expiring: '31', after: 'x'.repeat(9000) })).toEqual(
      parseUsersListQuery({}),
    );
    expect(parseUsersListQuery(new URLSearchParams('q=%20Casey%20&role=guest&status=active&external=1&nospace=1&expiring=30&sort=name&after=abc'))).toEqual({
      q: 'Casey', role: 'guest', status: 'active', external: true, noSpace: true, expiring: 30, sort: 'name', dir: 'asc', after: 'abc', before: null,
    });
    expect(parseUsersListQuery({ sort: 'lastActive' }).dir).toBe('desc');
    expect(parseUsersListQuery({ q: ['first', 'second'], role: ['admin', 'guest'] })).toMatchObject({ q: 'first', role: 'admin' });
    expect(parseUsersListQuery({ q: 'x'.repeat(300) }).q).toHaveLength(100);
  });

  it('builds links that keep filters, and sort links that toggle the direction', () => {
    const query = parseUsersListQuery({ q: 'casey', role: 'guest', sort: 'name' });
    expect(usersListHref(query)).toBe('/admin/users?q=casey&role=guest&sort=name');
    expect(usersListHref(query, { after: 'abc' }, '/admin/users/export')).toBe('/admin/users/export?q=casey&role=guest&sort=name&after=abc');
    expect(usersSortLink(query, 'name')).toEqual({ href: '/admin/users?q=casey&role=guest&sort=name&dir=desc', active: 'asc', next: 'desc' });
    expect(usersSortLink(query, 'added')).toEqual({ href: '/admin/users?q=casey&role=guest', active: null, next: 'desc' });
  });

  it('ignores a tampered or foreign cursor and shows the first page, never an error', async () => {
    const first = await listSiteUsers(t.db, admin, {}, { pageSize: 3 });
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of ['not-base64!', forged({ a: 1 }), forged(['added', 'desc', 'yesterday', 'x']), forged(['added', 'desc', null, 'x']), forged(['added', 'desc', '2026-11-26T00:00:00.000Z', 'x\u0000'])]) {
      const page = await listSiteUsers(t.db, admin, { after: bad }, { pageSize: 3 });
      expect(page.rows).toEqual(first.rows);
      expect(page.previous).toBeNull();
    }
    // A cursor made for another sort starts that sort over.
    const byName = await listSiteUsers(t.db, admin, { sort: 'name', after: first.next }, { pageSize: 3 });
    expect(byName.rows.map((r) => r.name)).toEqual(['Alana Admin', 'Casey Jones', 'Jordan Blake']);
  });
});

describe('Users list: sorting', () => {
  beforeAll(async () => {
    await t.db.user.update({ where: { email: 'lee.chen@acme.com' }, data: { lastActiveAt: new Date('2026-11-20T09:00:00Z') } });
    await t.db.user.update({ where: { email: 'sam.rivera@acme.com' }, data: { lastActiveAt: new Date('2026-11-25T09:00:00Z') } });
  });
  afterAll(async () => {
    await t.db.user.updateMany({ where: { email: { in: ['lee.chen@acme.com', 'sam.rivera@acme.com'] } }, data: { lastActiveAt: null } });
  });

  it('sorts by name and by email', async () => {
    const az = ['Alana Admin', 'Casey Jones', 'Jordan Blake', 'Lee Chen', 'Omar Haddad', 'Priya Shah', 'Sam Rivera', 'taylor.morgan@clientco.com'];
    expect(await names({ sort: 'name', dir: 'asc' })).toEqual(az);
    expect(await names({ sort: 'name', dir: 'desc' })).toEqual([...az].reverse());
    const emails = async (dir: 'asc' | 'desc') => (await everyRow({ sort: 'email', dir })).map((r) => r.email);
    expect(await emails('asc')).toEqual([
      'alana.admin@acme.com', 'casey.jones@brightagency.io', 'jordan.blake@northwind-consulting.com', 'lee.chen@acme.com',
      'omar.haddad@acme.com', 'priya.shah@acme.com', 'sam.rivera@acme.com', 'taylor.morgan@clientco.com',
    ]);
    expect(await emails('desc')).toEqual([...(await emails('asc'))].reverse());
  });

  it('sorts names alphabetically whatever their case or accents, page after page, as Jira does', async () => {
    const renamed = { 'priya.shah@acme.com': 'priya shah', 'omar.haddad@acme.com': 'Éloïse Haddad' };
    for (const [email, name] of Object.entries(renamed)) await t.db.user.update({ where: { email }, data: { name } });
    try {
      const az = ['Alana Admin', 'Casey Jones', 'Éloïse Haddad', 'Jordan Blake', 'Lee Chen', 'priya shah', 'Sam Rivera', 'taylor.morgan@clientco.com'];
      expect(await names({ sort: 'name', dir: 'asc' })).toEqual(az);
      expect(await names({ sort: 'name', dir: 'desc' })).toEqual([...az].reverse());
      // Three at a time, Next then Previous: the cursor compares in the same order the list sorts.
      const pages: string[][] = [];
      let page = await listSiteUsers(t.db, admin, { sort: 'name' }, { pageSize: 3 });
      pages.push(page.rows.map((row) => row.name));
      while (page.next) {
        page = await listSiteUsers(t.db, admin, { sort: 'name', after: page.next }, { pageSize: 3 });
        pages.push(page.rows.map((row) => row.name));
      }
      expect(pages).toEqual([az.slice(0, 3), az.slice(3, 6), az.slice(6)]);
      const back = await listSiteUsers(t.db, admin, { sort: 'name', before: page.previous }, { pageSize: 3 });
      expect(back.rows.map((row) => row.name)).toEqual(az.slice(3, 6));
    } finally {
      await t.db.user.update({ where: { email: 'priya.shah@acme.com' }, data: { name: 'Priya Shah' } });
      await t.db.user.update({ where: { email: 'omar.haddad@acme.com' }, data: { name: 'Omar Haddad' } });
    }
  });

  it('sorts by last active: newest first with Never last, or Never first then oldest', async () => {
    const desc = await everyRow({ sort: 'lastActive', dir: 'desc' });
    expect(desc.slice(0, 2).map((r) => r.name)).toEqual(['Sam Rivera', 'Lee Chen']);
    expect(desc.slice(2).every((r) => r.lastActiveAt === null)).toBe(true);
    const asc = await everyRow({ sort: 'lastActive', dir: 'asc' });
    expect(asc.slice(-2).map((r) => r.name)).toEqual(['Lee Chen', 'Sam Rivera']);
    expect(asc.map((r) => r.id)).toEqual(desc.map((r) => r.id).reverse());
  });

  it('sorts by date added either way, the reverse order exactly reversed', async () => {
    const desc = await everyRow({ sort: 'added', dir: 'desc' });
    const asc = await everyRow({ sort: 'added', dir: 'asc' });
    expect(asc.map((r) => r.id)).toEqual(desc.map((r) => r.id).reverse());
    const times = asc.map((r) => r.addedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('Users list: keyset pagination', () => {
  const EXTRA_USERS = 130;
  const EXTRA_INVITATIONS = 6;
  let total: number;

  beforeAll(async () => {
    const site = await t.db.site.findFirstOrThrow();
    const jira = await t.db.app.findFirstOrThrow({ where: { siteId: site.id, kind: 'JIRA' } });
    // Ties on every sort key: 3 distinct "added" instants, repeated names, shared last-active times, many Nevers.
    await t.db.$executeRaw`
      INSERT INTO "User" ("id", "email", "emailDomain", "name", "lastActiveAt", "createdAt")
      SELECT 'pgusr' || lpad(g::text, 4, '0'), 'pager' || g || '@pager.example', 'pager.example',
        CASE WHEN g % 5 = 0 THEN 'Pat Twin' ELSE 'Pager ' || lpad(((g * 37) % 131)::text, 3, '0') END,
        CASE WHEN g % 3 = 0 THEN NULL ELSE timestamp '2026-11-01 12:00:00' + ((g % 4) || ' hours')::interval END,
        now()
      FROM generate_series(1, ${EXTRA_USERS}) g`;
    await t.db.$executeRaw`
      INSERT INTO "SiteUser" ("id", "siteId", "userId", "addedAt")
      SELECT 'pgsu' || lpad(g::text, 4, '0'), ${site.id}, 'pgusr' || lpad(g::text, 4, '0'),
        timestamp '2026-11-10 08:00:00' + ((g % 3) || ' days')::interval
      FROM generate_series(1, ${EXTRA_USERS}) g`;
    await t.db.$executeRaw`
      INSERT INTO "AppRole" ("id", "appId", "userId", "role", "updatedAt")
      SELECT 'pgrole' || g, ${jira.id}, 'pgusr' || lpad(g::text, 4, '0'), (CASE WHEN g % 4 = 0 THEN 'GUEST' ELSE 'USER' END)::"AppRoleKind", now()
      FROM generate_series(1, ${EXTRA_USERS}) g`;
    // Invitations share "added" instants with site users, so the two kinds interleave within ties.
    for (let i = 0; i < EXTRA_INVITATIONS; i++) {
      const email = `invitee${i}@pager.example`;
      await t.db.invitation.create({
        data: {
          siteId: site.id, appId: jira.id, email, openEmail: email, role: 'GUEST',
          tokenHash: crypto.randomBytes(32).toString('hex'),
          expiresAt: new Date(Date.now() + 86_400_000),
          createdAt: new Date(Date.UTC(2026, 10, 10 + (i % 3), 8)),
        },
      });
    }
    total = 8 + EXTRA_USERS + EXTRA_INVITATIONS;
  });

  async function walkForward(query: Partial<UsersListQuery>, pageSize = 50) {
    const pages: UserListRow[][] = [];
    let after: string | null = null;
    let previous: string | null = null;
    do {
      const page = await listSiteUsers(t.db, admin, { ...query, after }, { pageSize });
      expect(page.previous === null).toBe(pages.length === 0);
      pages.push(page.rows);
      after = page.next;
      previous = page.previous;
      expect(pages.length).toBeLessThan(100);
    } while (after);
    return { pages, lastPrevious: previous };
  }

  it('has ties on every sort key to page through', async () => {
    const rows = await everyRow();
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.addedAt.getTime())).size).toBeLessThan(20);
    expect(rows.filter((r) => r.name === 'Pat Twin').length).toBe(26);
  });

  for (const sort of SORTS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`pages by ${sort} ${dir}: Next visits every row once, in the one-shot order; Previous walks back`, async () => {
        const expected = (await everyRow({ sort, dir })).map((r) => `${r.kind}:${r.id}`);
        const { pages, lastPrevious } = await walkForward({ sort, dir });
        expect(pages.map((p) => p.length)).toEqual([50, 50, total - 100]);
        const seen = pages.flat().map((r) => `${r.kind}:${r.id}`);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual(expected);

        // Previous from the last page gives the middle page, then the first (which has no Previous).
        const middle = await listSiteUsers(t.db, admin, { sort, dir, before: lastPrevious });
        expect(middle.rows.map((r) => r.id)).toEqual(pages[1].map((r) => r.id));
        expect(middle.previous).not.toBeNull();
        const first = await listSiteUsers(t.db, admin, { sort, dir, before: middle.previous });
        expect(first.rows.map((r) => r.id)).toEqual(pages[0].map((r) => r.id));
        expect(first.previous).toBeNull();
        expect(first.next).not.toBeNull();
      });
    }
  }

  it('pages through a filtered and searched list the same way', async () => {
    const expected = (await everyRow({ role: 'guest', q: 'pa' })).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(20);
    const { pages } = await walkForward({ role: 'guest', q: 'pa' }, 7);
    expect(pages.flat().map((r) => r.id)).toEqual(expected);
  });

  // A search sorts its people by SiteUser's copies of the name and address: the pages must join
  // up exactly as the whole list orders them, in both directions, invitations included.
  for (const sort of SORTS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`pages through a search sorted by ${sort} ${dir} the same way`, async () => {
        const expected = (await everyRow({ q: 'pager', sort, dir })).map((r) => `${r.kind}:${r.id}`);
        expect(expected.length).toBeGreaterThan(40);
        expect(expected.some((key) => key.startsWith('invitation:'))).toBe(true);
        const { pages } = await walkForward({ q: 'pager', sort, dir }, 9);
        expect(pages.flat().map((r) => `${r.kind}:${r.id}`)).toEqual(expected);
      });
    }
  }
});

describe('Export users (CSV)', () => {
  const HEADER = '\uFEFFName,Email,External,Jira role,Status,Space,Last active,Added\r\n';

  it('writes the header and one line per matching row, every page of them', async () => {
    const casey = await t.db.siteUser.findFirstOrThrow({ where: { user: { email: 'casey.jones@brightagency.io' } } });
    const jordan = await t.db.siteUser.findFirstOrThrow({ where: { user: { email: 'jordan.blake@northwind-consulting.com' } } });
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com' } });
    const csv = await readAll(siteUsersCsv(t.db, admin, { role: 'guest' }, { batchSize: 7 }));
    expect(csv.startsWith(HEADER)).toBe(true);
    const lines = csv.slice(HEADER.length).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toContain(`Casey Jones,casey.jones@brightagency.io,Yes,Guest,Active,Marketing (MKT),Never,${isoDate(casey.addedAt)}`);
    expect(lines).toContain(`Jordan Blake,jordan.blake@northwind-consulting.com,Yes,Guest,Active,No space,Never,${isoDate(jordan.addedAt)}`);
    expect(lines).toContain(`taylor.morgan@clientco.com,taylor.morgan@clientco.com,Yes,Guest,Invited,,Never,${isoDate(invitation.createdAt)}`);
    expect(lines).toHaveLength((await everyRow({ role: 'guest' })).length);
    expect(lines.length).toBeGreaterThan(30);
  });

  it('exports every row once across batches, ignoring any page cursor', async () => {
    const first = await listSiteUsers(t.db, admin);
    const csv = await readAll(siteUsersCsv(t.db, admin, { after: first.next }, { batchSize: 40 }));
    const lines = csv.slice(HEADER.length).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength((await everyRow()).length);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toContain('Lee Chen,lee.chen@acme.com,No,User,Active,,Never,' + isoDate((await everyRow({ q: 'lee.chen' }))[0].addedAt));
  });

  it('neutralizes spreadsheet formulas in names', async () => {
    const site = await t.db.site.findFirstOrThrow();
    const evil = await t.db.user.create({ data: { email: 'evil@evil.example', emailDomain: 'evil.example', name: '=HYPERLINK("http://evil")' } });
    await t.db.siteUser.create({ data: { siteId: site.id, userId: evil.id } });
    try {
      const csv = await readAll(siteUsersCsv(t.db, admin, { q: 'evil.example' }));
      expect(csv.slice(HEADER.length).split('\r\n')[0]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)",evil@evil\.example,Yes,No access,Active,,Never,\d{4}-\d{2}-\d{2}$/);
    } finally {
      await t.db.user.delete({ where: { id: evil.id } });
    }
  });

  it('GET /admin/users/export: 401 signed out, 403 without the permission, else a CSV attachment of the filtered rows', async () => {
    const { GET } = await import('@/app/(site)/admin/users/export/route');
    const request = () => new Request('http://localhost/admin/users/export?role=guest&sort=name&dir=asc');

    routeContext.viewer = null;
    expect((await GET(request())).status).toBe(401);
    routeContext.viewer = await viewerFor(t.db, 'lee.chen@acme.com');
    expect((await GET(request())).status).toBe(403);

    routeContext.viewer = admin;
    const response = await GET(request());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="users-${isoDate(new Date())}.csv"`);
    const body = await response.text();
    // Response.text() drops the byte-order mark; the bytes on the wire carry it.
    expect(body.split('\r\n')[0]).toBe('Name,Email,External,Jira role,Status,Space,Last active,Added');
    expect(body).toBe((await readAll(siteUsersCsv(t.db, admin, { role: 'guest', sort: 'name', dir: 'asc' }))).slice(1));
    routeContext.viewer = null;
  });
});

describe('Users list: who may see it', () => {
  it('refuses people without admin.users.view (a licensed user, a guest)', async () => {
    for (const email of ['lee.chen@acme.com', 'casey.jones@brightagency.io']) {
      const viewer = await viewerFor(t.db, email);
      await expect(listSiteUsers(t.db, viewer)).rejects.toBeInstanceOf(AccessDenied);
      await expect(usersSummary(t.db, viewer)).rejects.toBeInstanceOf(AccessDenied);
      await expect(explainSiteUsersQuery(t.db, viewer)).rejects.toBeInstanceOf(AccessDenied);
      expect(() => siteUsersCsv(t.db, viewer)).toThrow(AccessDenied);
    }
  });

  it('refuses a suspended site admin', async () => {
    const site = await t.db.site.findFirstOrThrow();
    await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: admin.userId } }, data: { suspendedAt: new Date() } });
    try {
      const suspended = await viewerFor(t.db, 'alana.admin@acme.com');
      await expect(listSiteUsers(t.db, suspended)).rejects.toBeInstanceOf(AccessDenied);
    } finally {
      await t.db.siteUser.update({ where: { siteId_userId: { siteId: site.id, userId: admin.userId } }, data: { suspendedAt: null } });
    }
  });
});

describe('Users list at 20,000 people: the queries stay index-backed', () => {
  let big: TestDatabase;
  let bigAdmin: Viewer;

  beforeAll(async () => {
    big = await createTestDatabase();
    await seedDemo(big.db);
    const site = await big.db.site.findFirstOrThrow();
    const jira = await big.db.app.findFirstOrThrow({ where: { siteId: site.id, kind: 'JIRA' } });
    await big.db.$executeRaw`
      INSERT INTO "User" ("id", "email", "emailDomain", "name", "lastActiveAt", "createdAt")
      SELECT 'bulk' || g, 'person' || g || '@bulk' || (g % 50) || '.example', 'bulk' || (g % 50) || '.example',
        'Person ' || md5(g::text),
        CASE WHEN g % 3 = 0 THEN NULL ELSE now() - (g || ' minutes')::interval END, now()
      FROM generate_series(1, 20000) g`;
    await big.db.$executeRaw`
      INSERT INTO "SiteUser" ("id", "siteId", "userId", "addedAt")
      SELECT 'bulksu' || g, ${site.id}, 'bulk' || g, now() - (g || ' seconds')::interval FROM generate_series(1, 20000) g`;
    await big.db.$executeRaw`
      INSERT INTO "AppRole" ("id", "appId", "userId", "role", "updatedAt")
      SELECT 'bulkrole' || g, ${jira.id}, 'bulk' || g, (CASE WHEN g % 10 = 0 THEN 'GUEST' ELSE 'USER' END)::"AppRoleKind", now()
      FROM generate_series(1, 20000) g`;
    // ANALYZE only, no VACUUM: the trigram indexes have fastupdate off, so freshly inserted rows
    // are searchable through them at once (a GIN pending list would make the planner scan instead).
    await big.db.$executeRawUnsafe('ANALYZE "User", "SiteUser", "AppRole", "Invitation"');
    bigAdmin = await viewerFor(big.db, 'alana.admin@acme.com');
  }, 120_000);
  afterAll(() => big?.drop());

  const SEQ_SCAN_ON_PEOPLE = /Seq Scan on "?(User|SiteUser)"?\s/;

  for (const sort of SORTS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`first and second page by ${sort} ${dir}`, async () => {
        const first = await explainSiteUsersQuery(big.db, bigAdmin, { sort, dir });
        expect(first).not.toMatch(SEQ_SCAN_ON_PEOPLE);
        expect(first).toMatch(/Index Scan/);
        const { next } = await listSiteUsers(big.db, bigAdmin, { sort, dir });
        const second = await explainSiteUsersQuery(big.db, bigAdmin, { sort, dir, after: next });
        expect(second).not.toMatch(SEQ_SCAN_ON_PEOPLE);
      });
    }
  }

  for (const q of ['Lee Ch', 'casey.jones@bright', 'PERSON12345@', 'ch', 'S']) {
    it(`search "${q}" reads the trigram indexes`, async () => {
      for (const sort of SORTS) {
        const plan = await explainSiteUsersQuery(big.db, bigAdmin, { q, sort });
        expect(plan).not.toMatch(SEQ_SCAN_ON_PEOPLE);
        // SiteUser's copies of the name and address. (The few invitations here are read whole; the
        // large seed's screen-queries test covers their trigram indexes.)
        expect(plan).toContain('SiteUser_search_trgm_idx');
      }
    });
  }

  it('a search sorted by anything but last active reads accounts only for the page it shows', async () => {
    // 'Person' matches all 20,000: the page is cut among SiteUser's rows, then 51 accounts are read.
    for (const sort of ['added', 'name', 'email'] as const) {
      const plan = await explainSiteUsersQuery(big.db, bigAdmin, { q: 'Person', sort }, { analyze: true });
      const accountReads = [...plan.matchAll(/Index Scan using "User_pkey" on "User" .*? loops=(\d+)\)/g)].map((m) => Number(m[1]));
      expect(accountReads).toEqual([51]);
    }
  });

  it('a role by last active reads its never-active people from the (siteId, jiraRole, userId) index', async () => {
    for (const query of [{ role: 'guest' as const }, { noSpace: true }]) {
      for (const dir of ['desc', 'asc'] as const) {
        const plan = await explainSiteUsersQuery(big.db, bigAdmin, { ...query, sort: 'lastActive', dir });
        expect(plan).not.toMatch(SEQ_SCAN_ON_PEOPLE);
        expect(plan).toContain('SiteUser_siteId_jiraRole_userId_idx');
      }
    }
    // Oldest activity first starts with the never-active guests, by account id, as the index reads them.
    const rows = (await listSiteUsers(big.db, bigAdmin, { role: 'guest', sort: 'lastActive', dir: 'asc' }, { pageSize: 1000 })).rows;
    const never = rows.filter((r) => r.lastActiveAt === null).map((r) => r.id);
    expect(never.length).toBeGreaterThan(600);
    expect(rows.slice(0, never.length).every((r) => r.lastActiveAt === null)).toBe(true);
    expect(never).toEqual([...never].sort());
  });

  it('"Expiring in 30 days" reads the (siteId, accessExpiresAt) index', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    // 100 guests with an expiry, spread over the next 97 days (about a third within 30 days).
    await big.db.$executeRaw`
      UPDATE "SiteUser" SET "accessExpiresAt" = '2026-12-01 12:00:00'::timestamp + ((substring("id" from 7)::int % 97) || ' days 1 hour')::interval
      WHERE "id" LIKE 'bulksu%' AND substring("id" from 7)::int % 200 = 0`;
    await big.db.$executeRawUnsafe('ANALYZE "SiteUser"');
    for (const sort of SORTS) {
      const plan = await explainSiteUsersQuery(big.db, bigAdmin, { expiring: 30, sort }, { now });
      expect(plan).not.toMatch(SEQ_SCAN_ON_PEOPLE);
      expect(plan).toContain('SiteUser_siteId_accessExpiresAt_idx');
    }
    const page = await listSiteUsers(big.db, bigAdmin, { expiring: 30 }, { now, pageSize: 1000 });
    const expected = await big.db.siteUser.count({ where: { accessExpiresAt: { gt: now, lte: new Date(now.getTime() + 30 * 86_400_000) } } });
    expect(expected).toBeGreaterThan(0);
    expect(page.rows).toHaveLength(expected);
    expect(page.rows.every((row) => row.kind === 'user')).toBe(true);
  });

  it('finds the right people among 20,000, fast', async () => {
    const started = performance.now();
    const page = await listSiteUsers(big.db, bigAdmin, { q: 'person12345@' });
    expect(page.rows.map((r) => r.email)).toEqual(['person12345@bulk45.example']);
    expect((await listSiteUsers(big.db, bigAdmin, { q: 'lee ch' })).rows.map((r) => r.name)).toEqual(['Lee Chen']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
