import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PEOPLE } from '@/prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe('demo seed', () => {
  it('creates the Acme organization with its people, spaces, work, a pending invitation and an access request', async () => {
    expect(await seedDemo(t.db)).toBe(true);
    const org = await t.db.organization.findFirstOrThrow({ include: { verifiedDomains: true } });
    expect(org).toMatchObject({ name: 'Acme', plan: 'STANDARD', guestsPerLicensedUser: 5 });
    expect(org.verifiedDomains.map((d) => d.domain)).toEqual(['acme.com']);
    expect((await t.db.space.findMany({ orderBy: { key: 'asc' } })).map((s) => `${s.key} ${s.name}`)).toEqual([
      'ENG Platform',
      'MKT Marketing',
      'OPS Operations',
    ]);
    expect(await t.db.user.count()).toBe(DEMO_PEOPLE.length);
    const guests = await t.db.appRole.findMany({ where: { role: 'GUEST' }, include: { user: { include: { guestAssignment: { include: { space: true } } } } } });
    expect(guests.map((g) => [g.user.email, g.user.guestAssignment[0]?.space.key ?? null]).sort()).toEqual([
      ['casey.jones@brightagency.io', 'MKT'],
      ['jordan.blake@northwind-consulting.com', null],
    ]);
    const invitation = await t.db.invitation.findFirstOrThrow();
    expect(invitation).toMatchObject({ email: 'taylor.morgan@clientco.com', role: 'GUEST', state: 'PENDING', openEmail: 'taylor.morgan@clientco.com' });
    expect(await t.db.outboxEmail.count({ where: { invitationId: invitation.id, state: 'PENDING' } })).toBe(1);
    expect(await t.db.accessRequest.findFirstOrThrow()).toMatchObject({ email: 'morgan.lee@freelance.dev', state: 'PENDING' });
    expect(await t.db.workItem.count({ where: { space: { key: 'MKT' } } })).toBe(4);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const before = await t.db.user.count();
    expect(await seedDemo(t.db)).toBe(false);
    expect(await t.db.user.count()).toBe(before);
    expect(await t.db.site.count()).toBe(1);
  });
});
