// Guest access expiry: "Access expires on" when inviting a guest (and the site default), the date on
// a guest's profile, the reminder seven days before (outbox emails, rendered), the expiry on the day
// (space removed, access suspended, sessions revoked, audited), with two runs racing, the Users list
// filter, and the worker's schedule.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { createPrismaClient, type Db } from '@/lib/db/client';
import type { Viewer } from '@/lib/access/policy';
import { loadViewer } from '@/lib/access/viewer';
import { signInWithPassword } from '@/lib/auth/sessions';
import { grantAccess } from '@/lib/invitations/grant';
import { acceptInvitationWithNewAccount } from '@/lib/invitations/accept';
import { GrantAccessInput, addDays, formatExpiryDate, latestGuestExpiry, startOfUtcDay } from '@/lib/invitations/invite-users.schema';
import { approveRequest, listPendingRequests } from '@/lib/requests/access-requests';
import { addPeople } from '@/lib/spaces/people';
import { changeJiraRole, getUserProfile, restoreAccess } from '@/lib/users/manage';
import { listSiteUsers, parseUsersListQuery, usersListHref } from '@/lib/users/list';
import { formatLongDate } from '@/emails/layout';
import { renderEmail } from '@/emails/render';
import {
  changeGuestExpiry,
  GUEST_EXPIRY_QUEUE,
  guestExpiryFormDefaults,
  guestExpiryView,
  runGuestExpiry,
  setGuestAccessDefault,
  startGuestExpiryWorker,
} from '@/lib/guests/expiry';
import { changeGuestExpiryAction, grantAccessAction, setGuestAccessDefaultAction } from '@/app/(site)/admin/actions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

// The server actions run against this file's database as the viewer set here (the framework
// around them — session, cache, headers — is stood in for, as in the authorization matrix).
const actionContext = vi.hoisted(() => ({ viewer: null as Viewer | null, db: null as Db | null }));
vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth', () => ({ getViewer: async () => actionContext.viewer, requestInfo: async () => ({ ip: '203.0.113.10', userAgent: 'vitest' }) }));
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({} as Db, {
    get(_target, property) {
      const value = Reflect.get(actionContext.db!, property);
      return typeof value === 'function' ? value.bind(actionContext.db) : value;
    },
  }),
}));

const APP_URL = 'http://portico.test:3000';
const NOW = new Date();
const TODAY = startOfUtcDay(NOW);
const day = (n: number) => addDays(TODAY, n);
const PASSWORD = 'long-enough-pw';

let t: TestDatabase;
/** A second connection pool, so two runs of the job really race on separate connections. */
let other: Db;
let admin: Viewer;
let priya: Viewer;
let siteId: string;

const idOf = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;
const siteUserOf = async (email: string) => t.db.siteUser.findFirstOrThrow({ where: { siteId, user: { email } } });
const expiringEmails = () => t.db.outboxEmail.findMany({ where: { template: 'guest-access-expiring' }, orderBy: [{ createdAt: 'asc' }, { to: 'asc' }] });

/** A guest straight in the database (site user, Jira role, optionally a space), for the races. */
async function makeGuest(email: string, accessExpiresAt: Date | null, spaceKey: string | null) {
  const jira = await t.db.app.findFirstOrThrow({ where: { siteId, kind: 'JIRA' } });
  const user = await t.db.user.create({ data: { email, emailDomain: email.split('@')[1], name: email.split('@')[0] } });
  await t.db.siteUser.create({ data: { siteId, userId: user.id, invitedById: admin.userId, accessExpiresAt } });
  await t.db.appRole.create({ data: { appId: jira.id, userId: user.id, role: 'GUEST' } });
  if (spaceKey) {
    const space = await t.db.space.findFirstOrThrow({ where: { siteId, key: spaceKey } });
    await t.db.spaceMembership.create({ data: { spaceId: space.id, userId: user.id, role: 'GUEST' } });
    await t.db.guestSpaceAssignment.create({ data: { siteId, userId: user.id, spaceId: space.id } });
  }
  await t.db.session.create({ data: { userId: user.id, expiresAt: addDays(NOW, 400) } });
  return user.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  other = createPrismaClient(t.url);
  actionContext.db = t.db;
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
  siteId = admin.site.id;
  // Priya is a second site admin; she invites Nina below.
  await t.db.siteUser.updateMany({ where: { siteId, user: { email: 'priya.shah@acme.com' } }, data: { isSiteAdmin: true } });
  priya = await viewerFor(t.db, 'priya.shah@acme.com');
});
afterAll(async () => {
  await other?.$disconnect();
  await t?.drop();
});

describe('Access expires on: inviting guests and the site default', () => {
  it('refuses a date that is not a real day, not in the future, or more than two years ahead', async () => {
    const parse = (guestAccessExpiresOn?: string) => GrantAccessInput.safeParse({ emails: 'ann@partner.io', role: 'GUEST', guestAccessExpiresOn });
    const message = (result: ReturnType<typeof parse>) => (result.success ? null : result.error.issues[0].message);
    expect(message(parse('2027-02-30'))).toBe('Enter the date as YYYY-MM-DD.');
    expect(message(parse('next week'))).toBe('Enter the date as YYYY-MM-DD.');
    expect(message(parse(day(0).toISOString().slice(0, 10)))).toBe('Choose a date in the future for when access expires.');
    expect(message(parse(day(-3).toISOString().slice(0, 10)))).toBe('Choose a date in the future for when access expires.');
    const latest = latestGuestExpiry(NOW);
    expect(message(parse(addDays(latest, 1).toISOString().slice(0, 10)))).toBe(`Guest access can last up to 2 years. Choose ${formatExpiryDate(latest)} or earlier.`);
    expect(parse(latest.toISOString().slice(0, 10))).toMatchObject({ success: true, data: { guestAccessExpiresOn: latest } });
    expect(parse('')).toMatchObject({ success: true, data: { guestAccessExpiresOn: null } });
    expect(parse(undefined)).toMatchObject({ success: true, data: { guestAccessExpiresOn: undefined } });

    // The domain checks again, with its own clock.
    const invite = (guestAccessExpiresAt: Date) =>
      grantAccess(t.db, admin, { emails: ['refused@partner.io'], role: 'GUEST', personalMessage: null, resend: [], guestAccessExpiresAt }, auditOf(admin), NOW);
    await expect(invite(day(0))).rejects.toThrow('Choose a date in the future for when access expires.');
    await expect(invite(addDays(latest, 1))).rejects.toThrow('Guest access can last up to 2 years.');
    expect(await t.db.invitation.count({ where: { email: 'refused@partner.io' } })).toBe(0);

    for (const days of [0, 731, 1.5, -1]) {
      await expect(setGuestAccessDefault(t.db, admin, days, auditOf(admin))).rejects.toThrow('Enter a number of days from 1 to 730, or leave it empty for no expiry.');
    }
    const sam = await viewerFor(t.db, 'sam.rivera@acme.com');
    await expect(setGuestAccessDefault(t.db, sam, 30, auditOf(sam))).rejects.toThrow(/access/);
  });

  it('stores the date on the invitation and copies it to the guest when they accept', async () => {
    const expiresAt = day(20);
    const [row] = await grantAccess(
      t.db,
      priya,
      { emails: ['nina.park@partner.io'], role: 'GUEST', personalMessage: null, resend: [], guestAccessExpiresAt: expiresAt },
      auditOf(priya),
      NOW,
    );
    expect(row.result).toBe('INVITED');
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'nina.park@partner.io' } });
    expect(invitation.guestAccessExpiresAt).toEqual(expiresAt);
    expect(await t.db.auditEvent.findFirst({ where: { action: 'invitation.created', targetId: invitation.id } })).toMatchObject({
      after: { guestAccessExpiresAt: expiresAt.toISOString() },
    });
    const outbox = await t.db.outboxEmail.findFirstOrThrow({ where: { invitationId: invitation.id } });
    const { userId } = await acceptInvitationWithNewAccount(t.db, (outbox.payload as { token: string }).token, { name: 'Nina Park', password: PASSWORD }, {}, NOW);
    expect(await siteUserOf('nina.park@partner.io')).toMatchObject({ userId, accessExpiresAt: expiresAt, expiryReminderSentAt: null, invitedById: priya.userId });

    // A space admin adds her to Marketing.
    const sam = await viewerFor(t.db, 'sam.rivera@acme.com');
    const [added] = await addPeople(t.db, sam, 'MKT', { emails: ['nina.park@partner.io'], role: 'GUEST' }, auditOf(sam));
    expect(added.outcome).toBe('ADDED');
  });

  it('an invitation whose guest access has already ended can no longer be accepted', async () => {
    await grantAccess(t.db, admin, { emails: ['brief@partner.io'], role: 'GUEST', personalMessage: null, resend: [], guestAccessExpiresAt: day(2) }, auditOf(admin), NOW);
    const outbox = await t.db.outboxEmail.findFirstOrThrow({ where: { to: 'brief@partner.io' } });
    await expect(acceptInvitationWithNewAccount(t.db, (outbox.payload as { token: string }).token, { name: 'Brief', password: PASSWORD }, {}, day(3))).rejects.toThrow(
      'The guest access this invitation grants has already expired. Ask a site admin to invite you again.',
    );
    expect(await t.db.user.count({ where: { email: 'brief@partner.io' } })).toBe(0);
    expect(await t.db.invitation.findFirstOrThrow({ where: { email: 'brief@partner.io' } })).toMatchObject({ state: 'PENDING', acceptedAt: null });
  });

  it('applies the site default to new guest invitations and approved guest requests, never to users', async () => {
    expect(guestExpiryFormDefaults(null, NOW).defaultExpiresOn).toBe('');
    expect(await setGuestAccessDefault(t.db, admin, 45, auditOf(admin))).toEqual({ before: null, after: 45 });
    expect(await t.db.auditEvent.findFirst({ where: { action: 'guest.expiry_default.changed' } })).toMatchObject({
      actorId: admin.userId,
      before: { days: null },
      after: { days: 45 },
    });
    expect(guestExpiryFormDefaults(45, NOW)).toEqual({
      defaultExpiresOn: day(45).toISOString().slice(0, 10),
      minExpiresOn: day(1).toISOString().slice(0, 10),
      maxExpiresOn: latestGuestExpiry(NOW).toISOString().slice(0, 10),
    });

    const invite = (email: string, role: 'GUEST' | 'USER', guestAccessExpiresAt?: Date | null) =>
      grantAccess(t.db, admin, { emails: [email], role, personalMessage: null, resend: [], guestAccessExpiresAt }, auditOf(admin), NOW);
    await invite('defaulted@partner.io', 'GUEST');
    await invite('no-expiry@partner.io', 'GUEST', null);
    await invite('licensed@acme.com', 'USER', day(10));
    const expiryOf = async (email: string) => (await t.db.invitation.findFirstOrThrow({ where: { email } })).guestAccessExpiresAt;
    expect(await expiryOf('defaulted@partner.io')).toEqual(day(45));
    expect(await expiryOf('no-expiry@partner.io')).toBeNull();
    expect(await expiryOf('licensed@acme.com')).toBeNull();

    // Morgan asked for access; approved as a Guest, the default applies.
    const [morgan] = (await listPendingRequests(t.db, admin)).rows;
    expect(await approveRequest(t.db, admin, morgan.id, 'GUEST', auditOf(admin), NOW)).toEqual({ role: 'GUEST' });
    expect((await siteUserOf('morgan.lee@freelance.dev')).accessExpiresAt).toEqual(day(45));
  });
});

describe("A guest's profile: Access expires on, Extend", () => {
  it('shows the date, extends it by the default in one click, sets and clears it, audited', async () => {
    const nina = await idOf('nina.park@partner.io');
    const profile = await getUserProfile(t.db, admin, nina);
    expect(profile).toMatchObject({ accessExpiresAt: day(20), accessExpiredAt: null, guestAccessDefaultDays: 45 });
    expect(guestExpiryView(profile!, NOW)).toMatchObject({ state: 'SCHEDULED', label: `Access expires on ${formatExpiryDate(day(20))}`, extendDays: 45 });

    const extended = await changeGuestExpiry(t.db, admin, nina, { extend: true }, auditOf(admin), NOW);
    expect(extended).toMatchObject({ before: day(20), after: day(65), message: `Access now expires on ${formatExpiryDate(day(65))}.` });
    expect(await t.db.auditEvent.findFirst({ where: { action: 'guest.expiry.changed', targetUserId: nina }, orderBy: { id: 'desc' } })).toMatchObject({
      actorId: admin.userId,
      before: { accessExpiresAt: day(20).toISOString() },
      after: { accessExpiresAt: day(65).toISOString(), extended: true },
    });

    await changeGuestExpiry(t.db, admin, nina, { expiresAt: null }, auditOf(admin), NOW);
    expect(guestExpiryView((await getUserProfile(t.db, admin, nina))!, NOW)).toMatchObject({ state: 'NONE', label: 'No expiry', expiresOn: '' });
    // Without a date, Extend counts from today.
    expect((await changeGuestExpiry(t.db, admin, nina, { extend: true }, auditOf(admin), NOW)).after).toEqual(day(45));
    await changeGuestExpiry(t.db, admin, nina, { expiresAt: day(5) }, auditOf(admin), NOW);
    expect((await siteUserOf('nina.park@partner.io')).accessExpiresAt).toEqual(day(5));
    expect(await t.db.auditEvent.count({ where: { action: 'guest.expiry.changed', targetUserId: nina } })).toBe(4);

    // Refusals: in the past, beyond two years (also by extending), not a guest.
    await expect(changeGuestExpiry(t.db, admin, nina, { expiresAt: day(-1) }, auditOf(admin), NOW)).rejects.toThrow('Choose a date in the future');
    const latest = latestGuestExpiry(NOW);
    await expect(changeGuestExpiry(t.db, admin, nina, { expiresAt: addDays(latest, 1) }, auditOf(admin), NOW)).rejects.toThrow('Guest access can last up to 2 years.');
    await changeGuestExpiry(t.db, admin, nina, { expiresAt: addDays(latest, -10) }, auditOf(admin), NOW);
    await expect(changeGuestExpiry(t.db, admin, nina, { extend: true }, auditOf(admin), NOW)).rejects.toThrow('Guest access can last up to 2 years.');
    await changeGuestExpiry(t.db, admin, nina, { expiresAt: day(5) }, auditOf(admin), NOW);
    await expect(changeGuestExpiry(t.db, admin, await idOf('lee.chen@acme.com'), { extend: true }, auditOf(admin), NOW)).rejects.toThrow(
      "Lee Chen isn't a guest. Only guest access can expire.",
    );
    const sam = await viewerFor(t.db, 'sam.rivera@acme.com');
    await expect(changeGuestExpiry(t.db, sam, nina, { extend: true }, auditOf(sam), NOW)).rejects.toThrow(/access/);
  });

  it('a guest who becomes a licensed user no longer expires', async () => {
    const jordan = await idOf('jordan.blake@northwind-consulting.com');
    await changeGuestExpiry(t.db, admin, jordan, { expiresAt: day(3) }, auditOf(admin), NOW);
    await changeJiraRole(t.db, admin, jordan, 'USER', auditOf(admin));
    expect((await siteUserOf('jordan.blake@northwind-consulting.com')).accessExpiresAt).toBeNull();
  });
});

describe('Seven days before: the reminder email', () => {
  it('goes to the inviter and each site admin, once per expiry date, also when two runs race', async () => {
    // Priya is no longer an admin but still Nina's inviter; Casey's date is beyond the 7 days.
    await t.db.siteUser.updateMany({ where: { siteId, userId: priya.userId }, data: { isSiteAdmin: false } });
    await changeGuestExpiry(t.db, admin, await idOf('casey.jones@brightagency.io'), { expiresAt: day(20) }, auditOf(admin), NOW);
    await t.db.siteUser.updateMany({ where: { siteId, user: { email: 'morgan.lee@freelance.dev' } }, data: { accessExpiresAt: null } });
    const racers = await Promise.all(Array.from({ length: 6 }, (_, i) => makeGuest(`racer${i}@partner.io`, day(3 + (i % 3)), i % 2 ? 'MKT' : null)));

    const runs = await Promise.all([runGuestExpiry(t.db, NOW), runGuestExpiry(other, NOW)]);
    expect(runs.reduce((sum, run) => sum + run.reminded, 0)).toBe(7);
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBe(0);
    const emails = await expiringEmails();
    // Nina: Priya (inviter) and Alana (admin). Racers were invited by Alana, who is also the only admin.
    expect(emails).toHaveLength(2 + racers.length);
    const nina = await idOf('nina.park@partner.io');
    const ninas = emails.filter((e) => (e.payload as { guestUserId: string }).guestUserId === nina);
    expect(ninas.map((e) => [e.to, (e.payload as { reason: string }).reason]).sort()).toEqual([
      ['alana.admin@acme.com', 'admin'],
      ['priya.shah@acme.com', 'inviter'],
    ]);
    expect(ninas[0].payload).toMatchObject({
      siteName: 'Acme',
      guestName: 'Nina Park',
      guestEmail: 'nina.park@partner.io',
      spaceKey: 'MKT',
      spaceName: 'Marketing',
      expiresAt: day(5).toISOString(),
    });
    expect((await siteUserOf('nina.park@partner.io')).expiryReminderSentAt).toEqual(NOW);

    // Rendered the way the mail worker renders it.
    const email = await renderEmail('guest-access-expiring', ninas.find((e) => e.to === 'priya.shah@acme.com')!.payload, { appUrl: APP_URL });
    expect(email.subject).toBe(`Nina Park's guest access to Acme expires on ${formatLongDate(day(5))}`);
    expect(email.html).toContain(`href="${APP_URL}/admin/users/${nina}"`);
    expect(email.text).toContain('nina.park@partner.io');
    expect(email.text).toContain('Marketing (MKT)');
    expect(email.text).toContain(`ends on ${formatLongDate(day(5))}`);
    expect(email.text).toContain('you invited Nina Park to Acme');
    const adminCopy = await renderEmail('guest-access-expiring', ninas.find((e) => e.to === 'alana.admin@acme.com')!.payload, { appUrl: APP_URL });
    expect(adminCopy.text).toContain('you are a site admin of Acme');
    await expect(renderEmail('guest-access-expiring', { ...(ninas[0].payload as object), guestUserId: '../../evil' }, { appUrl: APP_URL })).rejects.toThrow(
      'guestUserId must be an id',
    );

    // Once: later runs queue nothing more for the same dates.
    expect(await runGuestExpiry(t.db, addDays(NOW, 1 / 24))).toMatchObject({ reminded: 0, emails: 0, expired: 0 });
    expect(await expiringEmails()).toHaveLength(emails.length);

    // A new date is a new reminder.
    await changeGuestExpiry(t.db, admin, nina, { expiresAt: day(6) }, auditOf(admin), NOW);
    expect(await runGuestExpiry(t.db, NOW)).toMatchObject({ reminded: 1, emails: 2 });
  });
});

describe('On the day: access ends', () => {
  it('removes the guest from their space, suspends their access and revokes their sessions, once, with two runs racing', async () => {
    const nina = await idOf('nina.park@partner.io');
    const signedIn = await signInWithPassword(t.db, { email: 'nina.park@partner.io', password: PASSWORD });
    if (!signedIn.ok) throw new Error('sign-in failed');
    const racers = await t.db.user.findMany({ where: { email: { startsWith: 'racer' } }, select: { id: true } });
    const due = [nina, ...racers.map((r) => r.id)];
    const onTheDay = addDays(day(6), 1 / 24);

    const runs = await Promise.all([runGuestExpiry(t.db, onTheDay), runGuestExpiry(other, onTheDay)]);
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBe(due.length);
    for (const userId of due) {
      expect(await t.db.auditEvent.count({ where: { action: 'guest.access.expired', targetUserId: userId } })).toBe(1);
      expect(await t.db.spaceMembership.count({ where: { userId } })).toBe(0);
      expect(await t.db.guestSpaceAssignment.count({ where: { userId } })).toBe(0);
      expect(await t.db.session.count({ where: { userId, revokedAt: null } })).toBe(0);
      expect(await t.db.siteUser.findFirstOrThrow({ where: { userId } })).toMatchObject({ suspendedAt: onTheDay, accessExpiresAt: null, expiryReminderSentAt: null });
    }
    expect(await t.db.auditEvent.findFirst({ where: { action: 'guest.access.expired', targetUserId: nina } })).toMatchObject({
      actorId: null,
      siteId,
      before: { accessExpiresAt: day(6).toISOString(), space: 'MKT', status: 'ACTIVE' },
      after: { space: null, status: 'SUSPENDED', sessionsRevoked: 1 },
    });
    expect(await loadViewer(t.db, signedIn.sessionId)).toBeNull();
    expect(await signInWithPassword(t.db, { email: 'nina.park@partner.io', password: PASSWORD })).toEqual({ ok: false, reason: 'suspended' });
    // Casey's date (day 20) is still ahead: untouched.
    expect(await siteUserOf('casey.jones@brightagency.io')).toMatchObject({ suspendedAt: null, accessExpiresAt: day(20) });
    expect(await t.db.guestSpaceAssignment.count({ where: { user: { email: 'casey.jones@brightagency.io' } } })).toBe(1);

    // Idempotent: the next runs find nothing to do.
    expect(await runGuestExpiry(t.db, addDays(onTheDay, 1 / 24))).toMatchObject({ expired: 0, reminded: 0 });
    expect(await t.db.auditEvent.count({ where: { action: 'guest.access.expired' } })).toBe(due.length);

    // The profile says why; a restore starts again with no expiry, and stays restored.
    const profile = (await getUserProfile(t.db, admin, nina))!;
    expect(profile).toMatchObject({ status: 'SUSPENDED', space: null, accessExpiresAt: null, accessExpiredAt: day(6) });
    expect(guestExpiryView(profile, onTheDay)).toMatchObject({ state: 'EXPIRED', label: `Access expired on ${formatExpiryDate(day(6))}` });
    await restoreAccess(t.db, admin, nina, auditOf(admin));
    expect(await runGuestExpiry(t.db, addDays(onTheDay, 1))).toMatchObject({ expired: 0 });
    expect((await siteUserOf('nina.park@partner.io')).suspendedAt).toBeNull();
    expect(guestExpiryView((await getUserProfile(t.db, admin, nina))!, onTheDay).state).toBe('NONE');
  });
});

describe('Users list: Expiring in 30 days', () => {
  it('lists the people whose access ends within 30 days, not invitations, not later dates', async () => {
    await makeGuest('soon@partner.io', day(29), null);
    await makeGuest('later@partner.io', day(31), null);
    const names = async (now: Date) => (await listSiteUsers(t.db, admin, { expiring: 30, sort: 'name', dir: 'asc' }, { now, pageSize: 100 })).rows.map((r) => r.email);
    expect(await names(NOW)).toEqual(['casey.jones@brightagency.io', 'soon@partner.io']);
    expect(await names(day(2))).toEqual(['casey.jones@brightagency.io', 'later@partner.io', 'soon@partner.io']);
    expect(await names(day(21))).toEqual(['later@partner.io', 'soon@partner.io']);
    const query = parseUsersListQuery(new URLSearchParams('expiring=30&role=guest'));
    expect(query).toMatchObject({ expiring: 30, role: 'guest' });
    expect(usersListHref(query)).toBe('/admin/users?role=guest&expiring=30');
    expect(parseUsersListQuery({ expiring: '7' }).expiring).toBeNull();
  });
});

describe('The schedule', () => {
  it('the worker process runs the job from its pg-boss queue, on a five-minute schedule', async () => {
    const soon = await idOf('soon@partner.io');
    await t.db.siteUser.updateMany({ where: { userId: soon }, data: { accessExpiresAt: addDays(new Date(), -1 / 24) } });
    const logs: string[] = [];
    const worker = await startGuestExpiryWorker({ databaseUrl: t.url, log: (line) => logs.push(line), pollIntervalSeconds: 1 });
    try {
      const schedules = await t.db.$queryRawUnsafe<{ name: string; cron: string }[]>('SELECT name, cron FROM pgboss.schedule');
      expect(schedules).toEqual([{ name: GUEST_EXPIRY_QUEUE, cron: '*/5 * * * *' }]);
      await worker.runNow();
      const deadline = Date.now() + 10_000;
      while (!(await t.db.siteUser.findFirstOrThrow({ where: { userId: soon } })).suspendedAt) {
        if (Date.now() > deadline) throw new Error(`the scheduled job did not run\n${logs.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await t.db.auditEvent.count({ where: { action: 'guest.access.expired', targetUserId: soon } })).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});

describe('The server actions', () => {
  it('parse and refuse bad input with a message, and are for site admins only', async () => {
    const casey = await idOf('casey.jones@brightagency.io');
    actionContext.viewer = await viewerFor(t.db, 'sam.rivera@acme.com');
    expect(await changeGuestExpiryAction({ userId: casey, change: 'extend' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await setGuestAccessDefaultAction({ days: '30' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    actionContext.viewer = admin;
    const refusal = (message: string) => ({ ok: false, code: 'INVALID_INPUT', message });
    expect(await changeGuestExpiryAction({ userId: casey, change: 'set', expiresOn: '' })).toMatchObject(refusal('Choose the date access expires on.'));
    expect(await changeGuestExpiryAction({ userId: casey, change: 'set' })).toMatchObject(refusal('Choose the date access expires on.'));
    expect(await changeGuestExpiryAction({ userId: casey, change: 'set', expiresOn: '31/12/2030' })).toMatchObject(refusal('Enter the date as YYYY-MM-DD.'));
    expect(await changeGuestExpiryAction({ userId: casey, change: 'set', expiresOn: '2020-01-01' })).toMatchObject(
      refusal('Choose a date in the future for when access expires.'),
    );
    expect(await changeGuestExpiryAction({ userId: casey, change: 'postpone' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    const tomorrow = addDays(startOfUtcDay(new Date()), 1);
    expect(await changeGuestExpiryAction({ userId: casey, change: 'set', expiresOn: tomorrow.toISOString().slice(0, 10) })).toEqual({
      ok: true,
      data: `Access now expires on ${formatExpiryDate(tomorrow)}.`,
    });
    expect(await changeGuestExpiryAction({ userId: casey, change: 'clear' })).toEqual({ ok: true, data: 'Access no longer expires.' });
    expect((await siteUserOf('casey.jones@brightagency.io')).accessExpiresAt).toBeNull();

    for (const days of ['abc', '0', '731', '1.5', '-3']) {
      expect(await setGuestAccessDefaultAction({ days })).toMatchObject(refusal('Enter a number of days from 1 to 730, or leave it empty for no expiry.'));
    }
    expect(await setGuestAccessDefaultAction({ days: '90' })).toEqual({ ok: true, data: "New guests' access now expires after 90 days by default." });
    expect(await setGuestAccessDefaultAction({ days: '90' })).toEqual({ ok: true, data: 'The default guest access length is unchanged.' });

    // Invite users: "" means no expiry even with a default; a bad date is refused before anything is written.
    expect(await grantAccessAction({ emails: 'bad-date@partner.io', role: 'GUEST', guestAccessExpiresOn: '2020-01-01' })).toMatchObject(
      refusal('Choose a date in the future for when access expires.'),
    );
    expect(await grantAccessAction({ emails: 'open-ended@partner.io', role: 'GUEST', guestAccessExpiresOn: '' })).toMatchObject({ ok: true });
    expect((await t.db.invitation.findFirstOrThrow({ where: { email: 'open-ended@partner.io' } })).guestAccessExpiresAt).toBeNull();
    expect(await setGuestAccessDefaultAction({ days: '' })).toEqual({ ok: true, data: 'New guests no longer expire by default.' });
    expect(await t.db.invitation.count({ where: { email: 'bad-date@partner.io' } })).toBe(0);
  });
});
