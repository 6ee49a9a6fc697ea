// Every statement the benchmarked screens run (npm run bench) is index-backed: the screens' data
// functions run against the large seed at a tenth of its size (10,000 users, 100,000 audit events, a
// space of 5,000 people), every statement they send is captured from Prisma's query log, and the
// EXPLAIN of each must not read a large table sequentially. New queries are covered as they appear:
// nothing here lists SQL by hand. (The Users list and the audit log also have their own EXPLAIN
// tests, per filter and sort, in users-list.test.ts and audit-log.test.ts.)
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '@/lib/db/generated/client';
import type { Db } from '@/lib/db/client';
import type { Viewer } from '@/lib/access/policy';
import { seedDemo } from '@/prisma/seed';
import { BIG_SPACE_KEY, seedLarge } from '@/lib/bench/large-seed';
import { listSiteUsers, usersSummary, type UsersListQuery } from '@/lib/users/list';
import { listPendingRequests } from '@/lib/requests/access-requests';
import { getUserProfile, guestGrants } from '@/lib/users/manage';
import { twoStepStatusFor } from '@/lib/security/authenticator';
import { listSpacePeople } from '@/lib/spaces/people';
import { findSpaceForViewer, listWorkItems } from '@/lib/spaces/queries';
import { listAuditEvents, type AuditLogQuery } from '@/lib/audit-log';
import { siteUsage } from '@/lib/site-usage';
import { jiraRoleCopyDrift } from '../support/jira-role-copy';
import { siteUserAccountCopyDrift } from '../support/site-user-account-copy';
import { invitationListNameDrift } from '../support/invitation-list-name';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { viewerFor } from '../support/viewers';

/**
 * A sequential scan fails the test when its table is large (rows, after ANALYZE) and the scan keeps
 * a small part of it (the planner's estimate): that is work an index would have avoided. Scans of
 * small tables, or ones that keep most of a table (a space holding a tenth of all memberships at
 * this scale), are the planner's honest choice.
 */
const LARGE_TABLE_ROWS = 5000;
const SELECTIVE = 0.1;
let tableRows = new Map<string, number>();

/**
 * The sequential scans in `plan` that an index should have served: on a large table, either with
 * no filter at all (the whole table read to join or sort it) or keeping a small part of it.
 */
function avoidableSeqScans(plan: string): string[] {
  const lines = plan.split('\n');
  return lines.filter((line, i) => {
    const match = /Seq Scan on "?(\w+)"?.*rows=(\d+)/.exec(line);
    if (!match) return false;
    const rows = tableRows.get(match[1]) ?? 0;
    if (rows < LARGE_TABLE_ROWS) return false;
    const indent = line.search(/\S/);
    const details = [];
    for (let j = i + 1; j < lines.length && lines[j].search(/\S/) > indent && !lines[j].includes('->'); j++) details.push(lines[j]);
    const filtered = details.some((d) => /^\s*Filter:/.test(d));
    return !filtered || Number(match[2]) / rows < SELECTIVE;
  });
}

type Captured = { query: string; params: unknown[] };

let t: TestDatabase;
let captured: Captured[] = [];

function loggingClient(url: string) {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }), log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => captured.push({ query: event.query, params: JSON.parse(event.params) as unknown[] }));
  return client;
}
let logged: ReturnType<typeof loggingClient>;

/** Runs `fn` with a client that records every statement it sends. */
async function capture(fn: (db: Db) => Promise<unknown>): Promise<Captured[]> {
  captured = [];
  await fn(logged as unknown as Db);
  return captured;
}

async function explain(statement: Captured): Promise<string> {
  // Prisma logs the statement with $n placeholders and its parameters as JSON.
  const rows = await t.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${statement.query}`, ...statement.params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function expectIndexBacked(label: string, fn: (db: Db) => Promise<unknown>) {
  const statements = await capture(fn);
  expect(statements.length, `${label} ran no statement`).toBeGreaterThan(0);
  for (const statement of statements) {
    if (!/^\s*(SELECT|WITH)\b/i.test(statement.query)) continue;
    const plan = await explain(statement);
    expect(avoidableSeqScans(plan), `${label}: ${statement.query.slice(0, 300)}\n${plan}`).toEqual([]);
  }
}

let admin: Viewer;
let spaceAdmin: Viewer;
let guest: Viewer;
let guestProfileId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  await seedLarge(t.url, { scale: 0.1 });
  await t.db.$executeRawUnsafe('VACUUM ANALYZE');
  const tables = await t.db.$queryRaw<{ name: string; rows: number }[]>`
    SELECT c."relname" AS "name", c."reltuples"::float8 AS "rows" FROM pg_class c JOIN pg_namespace n ON n."oid" = c."relnamespace"
    WHERE n."nspname" = 'public' AND c."relkind" = 'r'`;
  tableRows = new Map(tables.map((r) => [r.name, r.rows]));
  const large = tables.filter((r) => r.rows >= LARGE_TABLE_ROWS).map((r) => r.name);
  expect(large).toEqual(expect.arrayContaining(['User', 'SiteUser', 'AppRole', 'SpaceMembership', 'WorkItem', 'AuditEvent']));
  logged = loggingClient(t.url);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  spaceAdmin = await viewerFor(t.db, 'sam.rivera@acme.com');
  guest = await viewerFor(t.db, 'casey.jones@brightagency.io');
  guestProfileId = (await t.db.user.findFirstOrThrow({ where: { appRoles: { some: { role: 'GUEST' } }, id: { startsWith: 'lgu' } }, select: { id: true } })).id;
}, 300_000);

afterAll(async () => {
  await logged?.$disconnect();
  await t?.drop();
});

describe('the benchmarked screens at 10,000 users: every statement is index-backed', () => {
  it('loading the viewer (every request)', async () => {
    const session = await t.db.session.findFirstOrThrow({ where: { userId: admin.userId }, orderBy: { createdAt: 'desc' } });
    const { loadViewer } = await import('@/lib/access/viewer');
    await expectIndexBacked('viewer', (db) => loadViewer(db, session.id));
  });

  const usersQueries: [string, Partial<UsersListQuery>][] = [
    ['first page', {}],
    ['search', { q: 'garcia' }],
    ['short search', { q: 'ga' }],
    ['role Guest', { role: 'guest' }],
    ['role User', { role: 'user' }],
    ['status Active', { status: 'active' }],
    ['status Invited', { status: 'invited' }],
    ['external', { external: true }],
    ['guests with no space', { noSpace: true }],
    ['expiring in 30 days', { expiring: 30 }],
    ['sorted by name', { sort: 'name' }],
  ];
  for (const [label, query] of usersQueries) {
    it(`Users: ${label}, with the figures above the table`, async () => {
      await expectIndexBacked(`Users ${label}`, (db) => Promise.all([listSiteUsers(db, admin, query), usersSummary(db, admin)]));
    });
  }

  it('Users: a deep page (keyset cursor)', async () => {
    let page = await listSiteUsers(t.db, admin, {}, { pageSize: 1000 });
    for (let i = 0; i < 3 && page.next; i++) page = await listSiteUsers(t.db, admin, { after: page.next }, { pageSize: 1000 });
    const after = page.next;
    expect(after).not.toBeNull();
    await expectIndexBacked('Users deep page', (db) => listSiteUsers(db, admin, { after }));
  });

  it('seat figures (billing, invitations)', async () => {
    await expectIndexBacked('siteUsage', (db) => siteUsage(db, admin.site.id));
  });

  it('the large seed leaves the seat figures and SiteUser’s copies exact, and its triggers and trigram indexes as the app needs them', async () => {
    // The seed loads with the seat and Jira-role copy triggers off and computes their results once:
    // the figures must equal a count of the rows, SiteUser's copies must equal AppRole, and the
    // triggers must be on again for every later change.
    const [counted] = await t.db.$queryRaw<{ licensed: bigint; guests: bigint }[]>`
      SELECT
        (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
           JOIN "SiteUser" su ON su."userId" = r."userId" AND su."siteId" = a."siteId"
         WHERE a."siteId" = ${admin.site.id} AND a."kind" = 'JIRA' AND r."role" IN ('USER', 'ADMIN') AND su."suspendedAt" IS NULL) AS licensed,
        (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
         WHERE a."siteId" = ${admin.site.id} AND a."kind" = 'JIRA' AND r."role" = 'GUEST') AS guests`;
    const before = await siteUsage(t.db, admin.site.id);
    expect({ licensedSeats: before.licensedSeats, guests: before.guests }).toEqual({ licensedSeats: Number(counted.licensed), guests: Number(counted.guests) });
    expect(before.guests).toBeGreaterThan(400);
    const triggers = await t.db.$queryRaw<{ name: string; enabled: string }[]>`
      SELECT tgname::text AS "name", tgenabled::text AS "enabled" FROM pg_trigger
      WHERE tgname IN ('AppRole_seat_counter', 'SiteUser_seat_counter', 'AppRole_jira_role_copy', 'SiteUser_jira_role', 'SiteUser_account_copy')
      ORDER BY tgname`;
    expect(triggers).toEqual([
      { name: 'AppRole_jira_role_copy', enabled: 'O' },
      { name: 'AppRole_seat_counter', enabled: 'O' },
      { name: 'SiteUser_account_copy', enabled: 'O' },
      { name: 'SiteUser_jira_role', enabled: 'O' },
      { name: 'SiteUser_seat_counter', enabled: 'O' },
    ]);
    expect(await jiraRoleCopyDrift(t.db, admin.site.id)).toEqual([]);
    // SiteUser's copies of each account's name and address were written with the memberships.
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
    // The trigram indexes loaded through their pending lists are back to fastupdate off.
    const trigram = await t.db.$queryRaw<{ name: string; options: string[] | null }[]>`
      SELECT c.relname::text AS "name", c.reloptions AS "options" FROM pg_class c JOIN pg_am am ON am.oid = c.relam
      WHERE am.amname = 'gin' ORDER BY c.relname`;
    expect(trigram).toEqual(
      ['Invitation_email_trgm_idx', 'Invitation_listName_trgm_idx', 'SiteUser_search_trgm_idx', 'User_email_trgm_idx', 'User_name_trgm_idx'].map((name) => ({
        name,
        options: ['fastupdate=off'],
      })),
    );
    // Invitations' list names are kept by their triggers while the seed loads (never switched off).
    expect(await invitationListNameDrift(t.db)).toEqual([]);
    const [copied] = await t.db.$queryRaw<{ guests: bigint }[]>`
      SELECT count(*) AS guests FROM "SiteUser" WHERE "siteId" = ${admin.site.id} AND "jiraRole" = 'GUEST'`;
    expect(Number(copied.guests)).toBe(before.guests);
  });

  it('Approve requests', async () => {
    await expectIndexBacked('Approve requests', (db) => listPendingRequests(db, admin));
  });

  it("a guest's profile", async () => {
    await expectIndexBacked('profile', async (db) => {
      const profile = await getUserProfile(db, admin, guestProfileId);
      expect(profile?.jiraRole).toBe('GUEST');
      await Promise.all([guestGrants(db, admin, guestProfileId), twoStepStatusFor(db, admin, guestProfileId)]);
    });
  });

  it(`Space settings → People of ${BIG_SPACE_KEY} (thousands of people), and a search in it`, async () => {
    await expectIndexBacked('People', async (db) => expect((await listSpacePeople(db, spaceAdmin, BIG_SPACE_KEY, ''))?.total).toBeGreaterThan(900));
    await expectIndexBacked('People search', (db) => listSpacePeople(db, spaceAdmin, BIG_SPACE_KEY, 'garcia'));
  });

  it("a guest's space page", async () => {
    await expectIndexBacked('space page', async (db) => {
      const space = await findSpaceForViewer(db, guest, 'MKT');
      expect(space).not.toBeNull();
      await listWorkItems(db, space!);
    });
  });

  const auditQueries: [string, Partial<AuditLogQuery>][] = [
    ['newest', {}],
    ['an action', { action: 'user.suspended' }],
    ['a date range', { from: '2026-09-01', to: '2026-09-30' }],
    ['an actor', { actor: 'alana' }],
  ];
  for (const [label, query] of auditQueries) {
    it(`Audit log: ${label}`, async () => {
      await expectIndexBacked(`Audit log ${label}`, (db) => listAuditEvents(db, admin, query));
    });
  }
});
