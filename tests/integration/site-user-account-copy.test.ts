// The Users list's search matches SiteUser's copies of each person's name and address, so that
// a site's matches come from one trigram index (migration site_user_account_copy). Whatever
// happens to the accounts, and in whatever order two transactions do it, the copies equal the
// account, and the search follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { listSiteUsers } from '@/lib/users/list';
import type { Viewer } from '@/lib/access/policy';
import { siteUserAccountCopyDrift } from '../support/site-user-account-copy';
import { settledWithin, uncommitted } from '../support/open-transaction';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { viewerFor } from '../support/viewers';

let t: TestDatabase;
let admin: Viewer;
let siteId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  siteId = admin.site.id;
});
afterAll(() => t.drop());

const account = (id: string, name: string) => t.db.user.create({ data: { id, email: `${id}@studio.example`, emailDomain: 'studio.example', name } });
const copyOf = (userId: string) =>
  t.db.siteUser.findUniqueOrThrow({ where: { siteId_userId: { siteId, userId } }, select: { userName: true, userEmail: true } });
const found = async (q: string) => (await listSiteUsers(t.db, admin, { q })).rows.map((row) => row.name);

describe('SiteUser’s copies of the account’s name and address', () => {
  it('are the seeded people’s', async () => {
    expect(await copyOf(admin.userId)).toEqual({ userName: 'Alana Admin', userEmail: 'alana.admin@acme.com' });
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
  });

  it('follow a rename and a new address, one at a time and set-based, and the search follows them', async () => {
    await account('copy-wren', 'Wren Hale');
    await t.db.siteUser.create({ data: { siteId, userId: 'copy-wren' } });
    expect(await copyOf('copy-wren')).toEqual({ userName: 'Wren Hale', userEmail: 'copy-wren@studio.example' });
    expect(await found('wren')).toEqual(['Wren Hale']);

    await t.db.user.update({ where: { id: 'copy-wren' }, data: { name: 'Wren Okafor' } });
    expect(await copyOf('copy-wren')).toEqual({ userName: 'Wren Okafor', userEmail: 'copy-wren@studio.example' });
    expect(await found('hale')).toEqual([]);
    expect(await found('okafor')).toEqual(['Wren Okafor']);

    await t.db.user.updateMany({ where: { id: 'copy-wren' }, data: { email: 'wren@elsewhere.example', emailDomain: 'elsewhere.example' } });
    expect(await copyOf('copy-wren')).toEqual({ userName: 'Wren Okafor', userEmail: 'wren@elsewhere.example' });
    expect(await found('studio.example')).toEqual([]);
    expect(await found('elsewhere')).toEqual(['Wren Okafor']);
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
  });

  it('cannot be written by anyone but the triggers', async () => {
    await account('copy-ash', 'Ash Moss');
    await t.db.siteUser.create({ data: { siteId, userId: 'copy-ash', userName: 'Aaron Aardvark', userEmail: 'a@a.example' } });
    expect(await copyOf('copy-ash')).toEqual({ userName: 'Ash Moss', userEmail: 'copy-ash@studio.example' });
    await t.db.$executeRaw`UPDATE "SiteUser" SET "userName" = 'Zed', "userEmail" = 'zed@z.example' WHERE "userId" = 'copy-ash'`;
    expect(await copyOf('copy-ash')).toEqual({ userName: 'Ash Moss', userEmail: 'copy-ash@studio.example' });
    expect(await found('zed')).toEqual([]);
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
  });

  it('leave a membership for a missing account to the foreign key', async () => {
    await expect(t.db.$executeRaw`INSERT INTO "SiteUser" ("id", "siteId", "userId") VALUES ('su-nobody', ${siteId}, 'nobody')`).rejects.toThrow(
      /SiteUser_userId_fkey/,
    );
  });

  it('a membership added while its account is being renamed reads the new name', async () => {
    await account('copy-rowan', 'Rowan Pike');
    const renaming = await uncommitted(t.url, `UPDATE "User" SET "name" = 'Rowan Pike-Reyes' WHERE "id" = 'copy-rowan'`);
    try {
      // The membership waits for the rename to commit, then reads the new name.
      const adding = t.db.siteUser.create({ data: { siteId, userId: 'copy-rowan' } });
      expect(await settledWithin(adding, 500)).toBe('waiting');
      await renaming.commit();
      await adding;
      expect(await copyOf('copy-rowan')).toEqual({ userName: 'Rowan Pike-Reyes', userEmail: 'copy-rowan@studio.example' });
    } finally {
      await renaming.end();
    }
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
  });

  it('an account renamed while a membership for it is being added renames that membership', async () => {
    await account('copy-sky', 'Sky Lund');
    const adding = await uncommitted(t.url, `INSERT INTO "SiteUser" ("id", "siteId", "userId") VALUES ('su-copy-sky', $1, 'copy-sky')`, [siteId]);
    try {
      // The rename cannot see the uncommitted membership: it waits for it to commit, then updates it.
      const renaming = t.db.user.update({ where: { id: 'copy-sky' }, data: { name: 'Sky Lund-Berg' } });
      expect(await settledWithin(renaming, 500)).toBe('waiting');
      await adding.commit();
      await renaming;
      expect(await copyOf('copy-sky')).toEqual({ userName: 'Sky Lund-Berg', userEmail: 'copy-sky@studio.example' });
    } finally {
      await adding.end();
    }
    expect(await siteUserAccountCopyDrift(t.db)).toEqual([]);
  });

  it('an account’s activity does not wait for, or rewrite, its memberships', async () => {
    const adding = await uncommitted(t.url, `UPDATE "SiteUser" SET "suspendedAt" = NULL WHERE "userId" = $1`, [admin.userId]);
    try {
      // Only the name and the address are copied: recording activity touches no membership.
      const active = t.db.user.update({ where: { id: admin.userId }, data: { lastActiveAt: new Date() } });
      expect(await settledWithin(active, 2000)).toBe('done');
      await adding.commit();
    } finally {
      await adding.end();
    }
  });
});
