import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { loadViewer } from '@/lib/access/viewer';
import { can, homePath } from '@/lib/access/policy';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(() => t.drop());

describe('guest access expiry takes effect at the instant, before the job runs', () => {
  it('a guest past their expiry is refused on the next request; before it, they are not', async () => {
    const casey = await t.db.user.findUniqueOrThrow({ where: { email: 'casey.jones@brightagency.io' } });
    const session = await t.db.session.create({ data: { userId: casey.id, expiresAt: new Date(Date.now() + 86_400_000) } });
    const expiry = new Date(Date.now() + 60_000);
    await t.db.siteUser.updateMany({ where: { userId: casey.id }, data: { accessExpiresAt: expiry } });

    const before = await loadViewer(t.db, session.id, new Date(expiry.getTime() - 1_000));
    expect(can(before, 'jira.use')).toBe(true);
    const after = await loadViewer(t.db, session.id, new Date(expiry.getTime() + 1_000));
    expect(after?.siteAccess?.suspended).toBe(true);
    expect(can(after, 'jira.use')).toBe(false);
    expect(homePath(after!)).toBe('/no-access');
    // Nothing was written: the expiry job still does the removal and suspension.
    expect((await t.db.siteUser.findFirstOrThrow({ where: { userId: casey.id } })).suspendedAt).toBeNull();
  });
});
