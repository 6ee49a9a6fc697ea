// The seat figures the Users list and billing show come from "SiteSeatCounter", kept by triggers
// (migration site_seat_counter); the Users list's role filters read SiteUser's copy of each
// person's Jira role, kept by triggers too (migration site_user_jira_role). Whatever changes
// AppRole and SiteUser, and in whatever order, the counter equals a full recount and the copy
// equals the role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { siteUsage, siteUsageSql } from '@/lib/site-usage';
import { jiraRoleCopyDrift } from '../support/jira-role-copy';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let siteId: string;
let jiraId: string;
let confluenceId: string | null;

async function recount() {
  const [row] = await t.db.$queryRaw<{ licensed: bigint; guests: bigint }[]>`
    SELECT
      (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
         JOIN "SiteUser" su ON su."userId" = r."userId" AND su."siteId" = a."siteId"
       WHERE a."siteId" = ${siteId} AND a."kind" = 'JIRA' AND r."role" IN ('USER', 'ADMIN') AND su."suspendedAt" IS NULL) AS licensed,
      (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
       WHERE a."siteId" = ${siteId} AND a."kind" = 'JIRA' AND r."role" = 'GUEST') AS guests`;
  return { licensedSeats: Number(row.licensed), guests: Number(row.guests) };
}

async function expectExact() {
  expect(await jiraRoleCopyDrift(t.db, siteId)).toEqual([]);
  const usage = await siteUsage(t.db, siteId);
  const exact = await recount();
  expect({ licensedSeats: usage.licensedSeats, guests: usage.guests }).toEqual(exact);
  return exact;
}

async function newUser(id: string) {
  await t.db.user.create({ data: { id, email: `${id}@example.org`, emailDomain: 'example.org', name: id } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const site = await t.db.site.findFirstOrThrow({ include: { apps: true } });
  siteId = site.id;
  jiraId = site.apps.find((a) => a.kind === 'JIRA')!.id;
  confluenceId = site.apps.find((a) => a.kind !== 'JIRA')?.id ?? null;
}, 60_000);
afterAll(() => t?.drop());

describe('SiteSeatCounter', () => {
  it('holds the demo figures after the seed', async () => {
    const exact = await expectExact();
    expect(exact.licensedSeats).toBeGreaterThan(0);
    expect(exact.guests).toBeGreaterThan(0);
  });

  it('follows roles and site access added in either order, role changes, suspension and removal', async () => {
    const before = await expectExact();
    await newUser('seat-a');
    await newUser('seat-b');
    // Role first, then site access (counted once the pair exists).
    await t.db.appRole.create({ data: { appId: jiraId, userId: 'seat-a', role: 'USER' } });
    await expectExact();
    await t.db.siteUser.create({ data: { siteId, userId: 'seat-a' } });
    expect((await expectExact()).licensedSeats).toBe(before.licensedSeats + 1);
    // Site access first, then a guest role.
    await t.db.siteUser.create({ data: { siteId, userId: 'seat-b' } });
    await t.db.appRole.create({ data: { appId: jiraId, userId: 'seat-b', role: 'GUEST' } });
    expect((await expectExact()).guests).toBe(before.guests + 1);
    // Guest → User, User → Admin, Admin → Guest.
    await t.db.appRole.update({ where: { appId_userId: { appId: jiraId, userId: 'seat-b' } }, data: { role: 'USER' } });
    expect(await expectExact()).toEqual({ licensedSeats: before.licensedSeats + 2, guests: before.guests });
    await t.db.appRole.update({ where: { appId_userId: { appId: jiraId, userId: 'seat-b' } }, data: { role: 'ADMIN' } });
    await expectExact();
    await t.db.appRole.update({ where: { appId_userId: { appId: jiraId, userId: 'seat-b' } }, data: { role: 'GUEST' } });
    await expectExact();
    // Suspension frees the seat; restoring takes it back; other updates change nothing.
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: 'seat-a' } }, data: { suspendedAt: new Date() } });
    expect((await expectExact()).licensedSeats).toBe(before.licensedSeats);
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: 'seat-a' } }, data: { suspendedAt: new Date(Date.now() + 1000) } });
    await expectExact();
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: 'seat-a' } }, data: { suspendedAt: null } });
    expect((await expectExact()).licensedSeats).toBe(before.licensedSeats + 1);
    // Another app's role is not a Jira seat.
    if (confluenceId) {
      await t.db.appRole.create({ data: { appId: confluenceId, userId: 'seat-a', role: 'USER' } });
      await expectExact();
    }
    // Removing the site access, then the role.
    await t.db.siteUser.delete({ where: { siteId_userId: { siteId, userId: 'seat-a' } } });
    await expectExact();
    await t.db.appRole.deleteMany({ where: { userId: 'seat-a' } });
    await expectExact();
    // Deleting a person cascades to both of their rows.
    await t.db.user.delete({ where: { id: 'seat-b' } });
    expect(await expectExact()).toEqual(before);
  });

  it('adds up set-based changes of many rows in one statement', async () => {
    await t.db.$executeRaw`INSERT INTO "User" ("id", "email", "emailDomain", "name") SELECT 'seatbulk' || g, 'seatbulk' || g || '@example.org', 'example.org', 'Bulk ' || g FROM generate_series(1, 300) g`;
    await t.db.$executeRaw`INSERT INTO "SiteUser" ("id", "siteId", "userId") SELECT 'seatbulksu' || g, ${siteId}, 'seatbulk' || g FROM generate_series(1, 300) g WHERE g % 2 = 0`;
    await t.db.$executeRaw`INSERT INTO "AppRole" ("id", "appId", "userId", "role", "updatedAt") SELECT 'seatbulkr' || g, ${jiraId}, 'seatbulk' || g, (CASE WHEN g % 5 = 0 THEN 'GUEST' ELSE 'USER' END)::"AppRoleKind", now() FROM generate_series(1, 300) g`;
    await expectExact();
    await t.db.$executeRaw`INSERT INTO "SiteUser" ("id", "siteId", "userId", "suspendedAt") SELECT 'seatbulksu' || g, ${siteId}, 'seatbulk' || g, CASE WHEN g % 3 = 0 THEN now() END FROM generate_series(1, 300) g WHERE g % 2 = 1`;
    await expectExact();
    await t.db.$executeRaw`UPDATE "SiteUser" SET "suspendedAt" = CASE WHEN "suspendedAt" IS NULL THEN now() END WHERE "id" LIKE 'seatbulksu%'`;
    await expectExact();
    await t.db.$executeRaw`UPDATE "AppRole" SET "role" = 'ADMIN' WHERE "id" LIKE 'seatbulkr%' AND "role" = 'GUEST'`;
    await expectExact();
    await t.db.$executeRaw`DELETE FROM "User" WHERE "id" LIKE 'seatbulk%'`;
    await expectExact();
  });

  it("copies the Jira role onto SiteUser whichever row comes first, and ignores writes to the copy", async () => {
    await newUser('copy-a');
    const copy = () => t.db.siteUser.findUniqueOrThrow({ where: { siteId_userId: { siteId, userId: 'copy-a' } }, select: { jiraRole: true } });
    // The role before the site access: the new SiteUser row picks it up.
    await t.db.appRole.create({ data: { appId: jiraId, userId: 'copy-a', role: 'GUEST' } });
    await t.db.siteUser.create({ data: { siteId, userId: 'copy-a' } });
    expect(await copy()).toEqual({ jiraRole: 'GUEST' });
    await t.db.appRole.update({ where: { appId_userId: { appId: jiraId, userId: 'copy-a' } }, data: { role: 'ADMIN' } });
    expect(await copy()).toEqual({ jiraRole: 'ADMIN' });
    // Another app's role is not the Jira role.
    if (confluenceId) {
      await t.db.appRole.create({ data: { appId: confluenceId, userId: 'copy-a', role: 'USER' } });
      expect(await copy()).toEqual({ jiraRole: 'ADMIN' });
    }
    // Writing the copy directly changes nothing: the trigger computes it from AppRole.
    await t.db.siteUser.update({ where: { siteId_userId: { siteId, userId: 'copy-a' } }, data: { jiraRole: 'USER' } });
    expect(await copy()).toEqual({ jiraRole: 'ADMIN' });
    await t.db.appRole.delete({ where: { appId_userId: { appId: jiraId, userId: 'copy-a' } } });
    expect(await copy()).toEqual({ jiraRole: null });
    await t.db.user.delete({ where: { id: 'copy-a' } });
    await expectExact();
  });

  it('reads one row and an index-only range, never the people tables', async () => {
    await t.db.$executeRawUnsafe('ANALYZE');
    const plan = (await t.db.$queryRaw<{ 'QUERY PLAN': string }[]>`EXPLAIN ${siteUsageSql(siteId, new Date())}`).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(/"?(AppRole|SiteUser|User)"?\s/);
    expect(plan).toMatch(/SiteSeatCounter/);
  });
});
