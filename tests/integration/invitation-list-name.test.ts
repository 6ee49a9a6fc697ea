// The Users list shows and sorts a pending invitation by its invitee's account name, or by the
// address when no account has it. That name is a trigger-kept copy on Invitation (migration
// invitation_list_name), so the name sort reads one index range. Whatever happens to the
// accounts, the copy equals what it copies, and the list's order follows.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { listSiteUsers } from '@/lib/users/list';
import type { Viewer } from '@/lib/access/policy';
import { invitationListNameDrift } from '../support/invitation-list-name';
import { settledWithin, uncommitted } from '../support/open-transaction';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { viewerFor } from '../support/viewers';

let t: TestDatabase;
let admin: Viewer;
let siteId: string;
let jiraId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  siteId = admin.site.id;
  jiraId = (await t.db.app.findFirstOrThrow({ where: { siteId, kind: 'JIRA' } })).id;
});
afterAll(() => t.drop());

const invite = (email: string) =>
  t.db.invitation.create({
    data: { siteId, appId: jiraId, email, openEmail: email, role: 'GUEST', tokenHash: crypto.randomBytes(32).toString('hex'), expiresAt: new Date(Date.now() + 86_400_000) },
  });
const listNameOf = async (id: string) => (await t.db.invitation.findUniqueOrThrow({ where: { id }, select: { listName: true } })).listName;
const invitedByName = async () =>
  (await listSiteUsers(t.db, admin, { status: 'invited', sort: 'name', dir: 'asc' })).rows.map((row) => row.name);

describe('an invitation’s list name', () => {
  it('is the address until an account has it, then follows that account’s name and address', async () => {
    const invitation = await invite('wren.hale@studio.example');
    expect(await listNameOf(invitation.id)).toBe('wren.hale@studio.example');

    const wren = await t.db.user.create({ data: { email: 'wren.hale@studio.example', emailDomain: 'studio.example', name: 'Wren Hale' } });
    expect(await listNameOf(invitation.id)).toBe('Wren Hale');
    await t.db.user.update({ where: { id: wren.id }, data: { name: 'Wren Hale-Okafor' } });
    expect(await listNameOf(invitation.id)).toBe('Wren Hale-Okafor');

    // The account moves to another address: the invitation is the address's again.
    await t.db.user.update({ where: { id: wren.id }, data: { email: 'wren@elsewhere.example', emailDomain: 'elsewhere.example' } });
    expect(await listNameOf(invitation.id)).toBe('wren.hale@studio.example');
    // … and comes back, in a set-based statement.
    await t.db.user.updateMany({ where: { id: wren.id }, data: { email: 'wren.hale@studio.example', emailDomain: 'studio.example' } });
    expect(await listNameOf(invitation.id)).toBe('Wren Hale-Okafor');

    await t.db.user.delete({ where: { id: wren.id } });
    expect(await listNameOf(invitation.id)).toBe('wren.hale@studio.example');
    expect(await invitationListNameDrift(t.db)).toEqual([]);
  });

  it('cannot be written by anyone but the triggers', async () => {
    const invitation = await invite('direct.write@studio.example');
    await t.db.invitation.update({ where: { id: invitation.id }, data: { listName: 'Aaron Aardvark' } });
    expect(await listNameOf(invitation.id)).toBe('direct.write@studio.example');
    await t.db.$executeRaw`UPDATE "Invitation" SET "listName" = 'Zed', "email" = 'direct.write2@studio.example', "openEmail" = 'direct.write2@studio.example' WHERE "id" = ${invitation.id}`;
    expect(await listNameOf(invitation.id)).toBe('direct.write2@studio.example');
    expect(await invitationListNameDrift(t.db)).toEqual([]);
  });

  it('an invitation written while its account is being renamed reads the new name', async () => {
    const ash = await t.db.user.create({ data: { email: 'ash.moss@studio.example', emailDomain: 'studio.example', name: 'Ash Moss' } });
    const renaming = await uncommitted(t.url, `UPDATE "User" SET "name" = 'Ash Moss-Reyes' WHERE "id" = $1`, [ash.id]);
    try {
      // The invitation waits for the rename to commit, then reads the new name.
      const inviting = invite('ash.moss@studio.example');
      expect(await settledWithin(inviting, 500)).toBe('waiting');
      await renaming.commit();
      expect(await listNameOf((await inviting).id)).toBe('Ash Moss-Reyes');
    } finally {
      await renaming.end();
    }
    expect(await invitationListNameDrift(t.db)).toEqual([]);
  });

  it('an account created while an invitation to its address is being written lends it its name', async () => {
    const inviting = await uncommitted(
      t.url,
      `INSERT INTO "Invitation" ("id", "siteId", "appId", "email", "openEmail", "role", "tokenHash", "expiresAt", "updatedAt")
       VALUES ('inv-rowan', $1, $2, 'rowan.pike@studio.example', 'rowan.pike@studio.example', 'GUEST', $3, now() + interval '1 day', now())`,
      [siteId, jiraId, crypto.randomBytes(32).toString('hex')],
    );
    try {
      // Neither transaction sees the other's row: the account waits for the invitation to commit.
      const creating = t.db.user.create({ data: { email: 'rowan.pike@studio.example', emailDomain: 'studio.example', name: 'Rowan Pike' } });
      expect(await settledWithin(creating, 500)).toBe('waiting');
      await inviting.commit();
      await creating;
      expect(await listNameOf('inv-rowan')).toBe('Rowan Pike');
    } finally {
      await inviting.end();
    }
    expect(await invitationListNameDrift(t.db)).toEqual([]);
  });

  it('orders the Users list by name, and a renamed invitee moves', async () => {
    const [bryn] = await Promise.all([
      t.db.user.create({ data: { email: 'bryn.cole@far.example', emailDomain: 'far.example', name: 'Bryn Cole' } }),
      t.db.user.create({ data: { email: 'cara.dunn@far.example', emailDomain: 'far.example', name: 'Cara Dunn' } }),
      invite('bryn.cole@far.example'),
      invite('cara.dunn@far.example'),
    ]);
    const before = await invitedByName();
    expect(before.indexOf('Bryn Cole')).toBeGreaterThanOrEqual(0);
    expect(before.indexOf('Bryn Cole')).toBeLessThan(before.indexOf('Cara Dunn'));
    await t.db.user.update({ where: { id: bryn.id }, data: { name: 'Dara Cole' } });
    const after = await invitedByName();
    expect(after.indexOf('Cara Dunn')).toBeLessThan(after.indexOf('Dara Cole'));
    expect(after).not.toContain('Bryn Cole');
    // Alphabetical whatever the case, as the user rows sort (listName's collation is ICU's root).
    expect(after).toEqual([...after].sort(new Intl.Collator('und').compare));
    expect(await invitationListNameDrift(t.db)).toEqual([]);
  });
});
