import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '@/prisma/seed';
import { signInWithPassword, revokeSession, revokeAllSessions } from '@/lib/auth/sessions';
import { loadViewer } from '@/lib/access/viewer';
import { can, homePath } from '@/lib/access/policy';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(() => t.drop());

async function signIn(email: string, password = DEMO_PASSWORD, ip = '203.0.113.7') {
  const result = await signInWithPassword(t.db, { email, password, ip, userAgent: 'vitest' });
  if (!result.ok) throw new Error(`sign-in refused: ${result.reason}`);
  return result.sessionId;
}

describe('sign-in', () => {
  it('accepts the right password with any letter case in the email, and opens a new session each time', async () => {
    const first = await signIn('Alana.Admin@ACME.com');
    const second = await signIn('alana.admin@acme.com');
    expect(first).not.toBe(second);
    const viewer = await loadViewer(t.db, second);
    expect(viewer).toMatchObject({ email: 'alana.admin@acme.com', name: 'Alana Admin', external: false });
    expect(can(viewer, 'admin.users.manage')).toBe(true);
  });

  it('refuses a wrong password and an unknown address the same way', async () => {
    expect(await signInWithPassword(t.db, { email: 'lee.chen@acme.com', password: 'wrong-password' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await signInWithPassword(t.db, { email: 'nobody@acme.com', password: DEMO_PASSWORD })).toEqual({ ok: false, reason: 'invalid' });
    expect(await signInWithPassword(t.db, { email: ['x'], password: {} })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('throttles repeated attempts on one account (10 per 15 minutes), without locking the account for good', async () => {
    const now = new Date('2026-01-01T10:00:00Z');
    for (let i = 0; i < 10; i++) {
      expect((await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: 'nope' }, now)).ok).toBe(false);
    }
    expect(await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: DEMO_PASSWORD }, now)).toEqual({ ok: false, reason: 'throttled' });
    const later = new Date('2026-01-01T10:16:00Z');
    expect((await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: DEMO_PASSWORD }, later)).ok).toBe(true);
  });
});

describe('the session is checked against the database on every request', () => {
  it('a guest lands in their space; a guest without a space lands on "no space yet"', async () => {
    const casey = await loadViewer(t.db, await signIn('casey.jones@brightagency.io'));
    expect(casey?.external).toBe(true);
    expect(homePath(casey!)).toBe('/spaces/MKT');
    const jordan = await loadViewer(t.db, await signIn('jordan.blake@northwind-consulting.com'));
    expect(homePath(jordan!)).toBe('/no-space');
    const morgan = await loadViewer(t.db, await signIn('morgan.lee@freelance.dev'));
    expect(morgan?.siteAccess).toBeNull();
    expect(homePath(morgan!)).toBe('/request-access');
  });

  it('sign-out (revoking the session) ends access on the next request', async () => {
    const sid = await signIn('lee.chen@acme.com');
    expect(await loadViewer(t.db, sid)).not.toBeNull();
    await revokeSession(t.db, sid);
    expect(await loadViewer(t.db, sid)).toBeNull();
  });

  it('suspension on the site takes effect on the next request, without a new sign-in', async () => {
    const sid = await signIn('sam.rivera@acme.com');
    expect(can(await loadViewer(t.db, sid), 'jira.use')).toBe(true);
    const sam = await t.db.user.findUniqueOrThrow({ where: { email: 'sam.rivera@acme.com' } });
    await t.db.siteUser.updateMany({ where: { userId: sam.id }, data: { suspendedAt: new Date() } });
    const viewer = await loadViewer(t.db, sid);
    expect(can(viewer, 'jira.use')).toBe(false);
    expect(homePath(viewer!)).toBe('/no-access');
  });

  it('a role change takes effect on the next request', async () => {
    const sid = await signIn('priya.shah@acme.com');
    expect(can(await loadViewer(t.db, sid), 'admin.users.view')).toBe(false);
    const priya = await t.db.user.findUniqueOrThrow({ where: { email: 'priya.shah@acme.com' } });
    await t.db.siteUser.updateMany({ where: { userId: priya.id }, data: { isSiteAdmin: true } });
    expect(can(await loadViewer(t.db, sid), 'admin.users.view')).toBe(true);
  });

  it('revoking all sessions, a deactivated account and an expired session all refuse the next request', async () => {
    const sid = await signIn('omar.haddad@acme.com', DEMO_PASSWORD, '198.51.100.9');
    const omar = await t.db.user.findUniqueOrThrow({ where: { email: 'omar.haddad@acme.com' } });
    await revokeAllSessions(t.db, omar.id);
    expect(await loadViewer(t.db, sid)).toBeNull();

    const sid2 = await signInWithPassword(t.db, { email: 'lee.chen@acme.com', password: DEMO_PASSWORD });
    if (!sid2.ok) throw new Error('sign-in refused');
    const far = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    expect(await loadViewer(t.db, sid2.sessionId, far)).toBeNull();
    await t.db.user.update({ where: { email: 'lee.chen@acme.com' }, data: { active: false } });
    expect(await loadViewer(t.db, sid2.sessionId)).toBeNull();
    expect(await signInWithPassword(t.db, { email: 'lee.chen@acme.com', password: DEMO_PASSWORD })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('an unknown or missing session id is nobody', async () => {
    expect(await loadViewer(t.db, undefined)).toBeNull();
    expect(await loadViewer(t.db, 'not-a-session')).toBeNull();
  });
});
