import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '@/prisma/seed';
import { changeJiraRole, changePlan, getUserProfile, removeAccess, restoreAccess, suspendAccess, billingEffect } from '@/lib/users/manage';
import { approveRequest, denyRequest, listPendingRequests, requestAccess } from '@/lib/requests/access-requests';
import { grantAccess } from '@/lib/invitations/grant';
import { signInWithPassword } from '@/lib/auth/sessions';
import { loadViewer } from '@/lib/access/viewer';
import { can, homePath, type Viewer } from '@/lib/access/policy';
import { siteUsage } from '@/lib/site-usage';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

let t: TestDatabase;
let admin: Viewer;
const idOf = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
});
afterAll(() => t.drop());

describe('Roles: Guest ↔ User ↔ Admin', () => {
  it('states the billing effect of each change', () => {
    expect(billingEffect('GUEST', 'USER')).toBe('This adds 1 licensed seat to your bill.');
    expect(billingEffect('USER', 'ADMIN')).toBe('Your licensed seats stay the same.');
  });

  it('Guest → User lifts the one-space rule, counts a seat, and User → Guest is then refused', async () => {
    const casey = await idOf('casey.jones@brightagency.io');
    const before = await siteUsage(t.db, admin.site.id);
    await changeJiraRole(t.db, admin, casey, 'USER', auditOf(admin));
    const after = await siteUsage(t.db, admin.site.id);
    expect(after.licensedSeats).toBe(before.licensedSeats + 1);
    expect(after.guests).toBe(before.guests - 1);
    expect(await t.db.guestSpaceAssignment.count({ where: { userId: casey } })).toBe(0);
    expect(await t.db.spaceMembership.findFirst({ where: { userId: casey } })).toMatchObject({ role: 'MEMBER' });
    await expect(changeJiraRole(t.db, admin, casey, 'GUEST', auditOf(admin))).rejects.toThrow(
      "Casey Jones is a licensed user. A current or former licensed user can't be changed to a guest.",
    );
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'user.role.changed', targetUserId: casey } });
    expect(event).toMatchObject({ actorId: admin.userId, before: { jiraRole: 'GUEST' }, after: { jiraRole: 'USER' }, ip: '203.0.113.10' });
  });

  it('an internal address is never made a guest', async () => {
    await expect(changeJiraRole(t.db, admin, await idOf('lee.chen@acme.com'), 'GUEST', auditOf(admin))).rejects.toThrow(
      "lee.chen@acme.com is in one of your organization's verified domains, so this person can't be a guest.",
    );
  });

  it('only site admins can change roles', async () => {
    const lee = await viewerFor(t.db, 'lee.chen@acme.com');
    await expect(changeJiraRole(t.db, lee, await idOf('jordan.blake@northwind-consulting.com'), 'USER', auditOf(lee))).rejects.toThrow();
    expect(await t.db.appRole.findFirst({ where: { user: { email: 'jordan.blake@northwind-consulting.com' }, app: { kind: 'JIRA' } } })).toMatchObject({ role: 'GUEST' });
  });
});

describe('Suspend, restore and remove access', () => {
  it('suspension ends open sessions and blocks sign-in, keeping role and space; restore gives it back', async () => {
    const omar = await idOf('omar.haddad@acme.com');
    const signedIn = await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: DEMO_PASSWORD });
    if (!signedIn.ok) throw new Error('sign-in failed');
    await suspendAccess(t.db, admin, omar, auditOf(admin));
    expect(await loadViewer(t.db, signedIn.sessionId)).toBeNull();
    expect(await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: DEMO_PASSWORD })).toEqual({ ok: false, reason: 'suspended' });
    expect(await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: 'wrong' })).toEqual({ ok: false, reason: 'invalid' });
    expect((await getUserProfile(t.db, admin, omar))?.status).toBe('SUSPENDED');
    await restoreAccess(t.db, admin, omar, auditOf(admin));
    const again = await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: DEMO_PASSWORD });
    expect(again.ok).toBe(true);
    expect(await t.db.spaceMembership.count({ where: { userId: omar } })).toBe(1);
  });

  it('an admin cannot suspend or remove themselves', async () => {
    await expect(suspendAccess(t.db, admin, admin.userId, auditOf(admin))).rejects.toThrow("You can't suspend your own access.");
    await expect(removeAccess(t.db, admin, admin.userId, auditOf(admin))).rejects.toThrow("You can't remove your own access.");
  });

  it('remove access revokes roles, space, sessions, API tokens and pending invitations at once', async () => {
    const jordan = await idOf('jordan.blake@northwind-consulting.com');
    const signedIn = await signInWithPassword(t.db, { email: 'jordan.blake@northwind-consulting.com', password: DEMO_PASSWORD });
    if (!signedIn.ok) throw new Error('sign-in failed');
    await t.db.apiToken.create({ data: { userId: jordan, name: 'ci', tokenHash: 'hash-1', expiresAt: new Date(Date.now() + 86_400_000) } });
    await removeAccess(t.db, admin, jordan, auditOf(admin));
    expect(await loadViewer(t.db, signedIn.sessionId)).toBeNull();
    expect(await t.db.appRole.count({ where: { userId: jordan } })).toBe(0);
    expect(await t.db.apiToken.count({ where: { userId: jordan, revokedAt: null } })).toBe(0);
    const fresh = await signInWithPassword(t.db, { email: 'jordan.blake@northwind-consulting.com', password: DEMO_PASSWORD });
    if (!fresh.ok) throw new Error('sign-in failed');
    const viewer = await loadViewer(t.db, fresh.sessionId);
    expect(can(viewer, 'jira.use')).toBe(false);
    expect(homePath(viewer!)).toBe('/no-access');
    const profile = await getUserProfile(t.db, admin, jordan);
    expect(profile).toMatchObject({ roleLabel: 'No access', space: null });
    expect(profile?.events[0]).toMatchObject({ action: 'user.access.removed', actor: { name: 'Alana Admin' } });
  });
});

describe('Access requests', () => {
  it('someone without access asks once; asking again is refused with a clear message', async () => {
    await t.db.user.create({ data: { email: 'riley@studio.example', emailDomain: 'studio.example', name: 'Riley Park' } });
    const riley = await viewerFor(t.db, 'riley@studio.example');
    await requestAccess(t.db, riley, 'Working on the brand refresh');
    await expect(requestAccess(t.db, riley, 'again')).rejects.toThrow("You've already requested access. A site admin will review your request.");
    const pending = (await listPendingRequests(t.db, admin)).rows;
    expect(pending.map((r) => [r.name, r.email, r.external, r.note])).toEqual([
      ['Morgan Lee', 'morgan.lee@freelance.dev', true, 'I am the freelance designer working with the Marketing team on the launch.'],
      ['Riley Park', 'riley@studio.example', true, 'Working on the brand refresh'],
    ]);
  });

  it('approve puts an external requester on the site as a Guest by default and emails them', async () => {
    const [morgan] = (await listPendingRequests(t.db, admin)).rows;
    expect(await approveRequest(t.db, admin, morgan.id, undefined, auditOf(admin))).toEqual({ role: 'GUEST' });
    const viewer = await viewerFor(t.db, 'morgan.lee@freelance.dev');
    expect(viewer.siteAccess?.jiraRole).toBe('GUEST');
    expect(homePath(viewer)).toBe('/no-space');
    expect(await t.db.outboxEmail.findFirst({ where: { to: 'morgan.lee@freelance.dev', template: 'access-request-approved' } })).toMatchObject({
      payload: { siteName: 'Acme', role: 'GUEST', approverName: 'Alana Admin' },
    });
    await expect(approveRequest(t.db, admin, morgan.id, undefined, auditOf(admin))).rejects.toThrow('That request was already approved.');
  });

  it('deny emails the message, and a denied person cannot request again', async () => {
    const riley = (await listPendingRequests(t.db, admin)).rows.find((r) => r.email === 'riley@studio.example')!;
    await denyRequest(t.db, admin, riley.id, 'Please ask your Acme contact to invite you.', auditOf(admin));
    expect(await t.db.outboxEmail.findFirst({ where: { to: 'riley@studio.example', template: 'access-request-denied' } })).toMatchObject({
      payload: { siteName: 'Acme', deciderName: 'Alana Admin', message: 'Please ask your Acme contact to invite you.' },
    });
    const viewer = await viewerFor(t.db, 'riley@studio.example');
    await expect(requestAccess(t.db, viewer, null)).rejects.toThrow('A site admin declined your request. You can’t request access again.');
    expect(await t.db.accessRequest.count({ where: { email: 'riley@studio.example' } })).toBe(1);
  });

  it('an internal requester cannot be approved as a Guest', async () => {
    await t.db.user.create({ data: { email: 'new.colleague@acme.com', emailDomain: 'acme.com', name: 'New Colleague' } });
    const viewer = await viewerFor(t.db, 'new.colleague@acme.com');
    const request = await requestAccess(t.db, viewer, null);
    await expect(approveRequest(t.db, admin, request.id, 'GUEST', auditOf(admin))).rejects.toThrow(/verified domains/);
    expect(await approveRequest(t.db, admin, request.id, undefined, auditOf(admin))).toEqual({ role: 'USER' });
  });

  it('only site admins see and decide requests', async () => {
    const sam = await viewerFor(t.db, 'sam.rivera@acme.com');
    await expect(listPendingRequests(t.db, sam)).rejects.toThrow();
  });
});

describe('Billing plan', () => {
  it('downgrading to Free while guests exist is refused with what to do; without guests it is allowed', async () => {
    await expect(changePlan(t.db, admin, 'FREE', auditOf(admin))).rejects.toThrow(
      "You can't move to Free while your site has guests. Guest access isn't available on Free. First change the 1 guest to a licensed user or remove their access, and revoke the 1 pending guest invitation.",
    );
    expect((await t.db.organization.findFirstOrThrow()).plan).toBe('STANDARD');
    await changePlan(t.db, admin, 'PREMIUM', auditOf(admin));
    expect((await t.db.organization.findFirstOrThrow()).plan).toBe('PREMIUM');
    const rows = await grantAccess(t.db, admin, { emails: ['x@partner.io'], role: 'GUEST', personalMessage: null, resend: [] }, auditOf(admin));
    expect(rows[0].result).toBe('INVITED');
  });
});
