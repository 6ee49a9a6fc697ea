import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let fixture: { siteId: string; appId: string; jordan: string; mkt: string; eng: string; ops: string };

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const site = await t.db.site.findFirstOrThrow({ include: { apps: true, spaces: true } });
  const jordan = await t.db.user.findUniqueOrThrow({ where: { email: 'jordan.blake@northwind-consulting.com' } });
  const key = (k: string) => site.spaces.find((s) => s.key === k)!.id;
  fixture = { siteId: site.id, appId: site.apps.find((a) => a.kind === 'JIRA')!.id, jordan: jordan.id, mkt: key('MKT'), eng: key('ENG'), ops: key('OPS') };
});
afterAll(() => t.drop());

/** What a domain function does to put a guest in a space: membership + assignment, one transaction. */
function addGuestToSpace(spaceId: string) {
  return t.db.$transaction(async (tx) => {
    await tx.spaceMembership.create({ data: { spaceId, userId: fixture.jordan, role: 'GUEST' } });
    await tx.guestSpaceAssignment.create({ data: { siteId: fixture.siteId, userId: fixture.jordan, spaceId } });
  });
}

describe('database invariants', () => {
  it('a guest can hold only one space per site, even when two spaces are added at the same instant', async () => {
    const results = await Promise.allSettled([addGuestToSpace(fixture.eng), addGuestToSpace(fixture.ops)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: fixture.jordan } })).toBe(1);
    // The losing transaction rolled back its membership too.
    expect(await t.db.spaceMembership.count({ where: { userId: fixture.jordan } })).toBe(1);
  });

  it('the assignment must point at a Guest membership of that space', async () => {
    const lee = await t.db.user.findUniqueOrThrow({ where: { email: 'lee.chen@acme.com' } });
    await expect(t.db.guestSpaceAssignment.create({ data: { siteId: fixture.siteId, userId: lee.id, spaceId: fixture.mkt } })).rejects.toThrow();
  });

  it('one open invitation per site and address; closed ones do not block a new one', async () => {
    const invite = (state: 'PENDING' | 'REVOKED' = 'PENDING') =>
      t.db.invitation.create({
        data: {
          siteId: fixture.siteId,
          appId: fixture.appId,
          email: 'pat@partner.example',
          openEmail: state === 'PENDING' ? 'pat@partner.example' : null,
          state,
          role: 'GUEST',
          tokenHash: crypto.randomBytes(32).toString('hex'),
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
    await invite('REVOKED');
    await invite();
    await expect(invite()).rejects.toThrow(/Unique constraint/);
    await expect(
      t.db.invitation.create({
        data: { siteId: fixture.siteId, appId: fixture.appId, email: 'x@partner.example', openEmail: null, state: 'PENDING', role: 'GUEST', tokenHash: 'h', expiresAt: new Date() },
      }),
    ).rejects.toThrow();
  });

  it('emails are stored normalized: a mixed-case address cannot make a second account', async () => {
    await expect(t.db.user.create({ data: { email: 'Casey.Jones@brightagency.io', emailDomain: 'brightagency.io', name: 'Casey again' } })).rejects.toThrow();
  });
});
