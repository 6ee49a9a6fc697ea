import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { reviewInvitations } from '@/lib/invitations/review';
import { grantAccess, resendInvitation, revokeInvitation } from '@/lib/invitations/grant';
import { acceptInvitationAsUser, acceptInvitationWithNewAccount, describeInvitation } from '@/lib/invitations/accept';
import { hashInvitationToken } from '@/lib/invitations/tokens';
import { GrantAccessInput } from '@/lib/invitations/invite-users.schema';
import { loadViewer } from '@/lib/access/viewer';
import { homePath, type Viewer } from '@/lib/access/policy';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

let t: TestDatabase;
let admin: Viewer;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerFor(t.db, 'alana.admin@acme.com');
});
afterAll(() => t.drop());

/** The raw token of the newest email queued for an address (what the email would carry). */
async function tokenSentTo(email: string): Promise<string> {
  const row = await t.db.outboxEmail.findFirstOrThrow({ where: { to: email, template: 'invitation' }, orderBy: { createdAt: 'desc' } });
  return (row.payload as { token: string }).token;
}

const grant = (emails: string[], role: 'GUEST' | 'USER' | 'ADMIN' = 'GUEST', extra: { personalMessage?: string | null; resend?: string[] } = {}) =>
  grantAccess(t.db, admin, { emails, role, personalMessage: extra.personalMessage ?? null, resend: extra.resend ?? [] }, auditOf(admin));

describe('Invite users: input', () => {
  it('splits pasted addresses on commas, spaces and newlines, normalizes and de-duplicates them', () => {
    const parsed = GrantAccessInput.parse({ emails: 'Ann@Partner.io, bob@partner.io\nann@partner.io  carol@partner.io;', role: 'GUEST' });
    expect(parsed.emails).toEqual(['ann@partner.io', 'bob@partner.io', 'carol@partner.io']);
    expect(parsed.personalMessage).toBeNull();
  });

  it('names the invalid address, refuses more than 500 and a message over 500 characters', () => {
    const bad = GrantAccessInput.safeParse({ emails: 'ann@partner.io, not-an-email', role: 'GUEST' });
    expect(bad.success || bad.error.issues[0].message).toBe("not-an-email isn't a valid email address.");
    const many = Array.from({ length: 501 }, (_, i) => `p${i}@partner.io`).join(',');
    const tooMany = GrantAccessInput.safeParse({ emails: many, role: 'GUEST' });
    expect(tooMany.success || tooMany.error.issues[0].message).toBe('You can invite up to 500 people at a time.');
    const long = GrantAccessInput.safeParse({ emails: 'ann@partner.io', role: 'GUEST', personalMessage: 'x'.repeat(501) });
    expect(long.success || long.error.issues[0].message).toBe('Keep the personal message under 500 characters.');
    const role = GrantAccessInput.safeParse({ emails: 'ann@partner.io', role: 'OWNER' });
    expect(role.success || role.error.issues[0].message).toBe('Choose a role for Jira.');
  });
});

describe('Review your changes', () => {
  it('says what will happen to each address, with the refusals and why', async () => {
    const rows = await reviewInvitations(
      t.db,
      admin.site.id,
      ['new.guest@partner.io', 'lee.chen@acme.com', 'someone@eu.acme.com', 'casey.jones@brightagency.io', 'taylor.morgan@clientco.com'],
      'GUEST',
    );
    expect(rows.map((r) => [r.email, r.outcome, r.detail])).toEqual([
      ['new.guest@partner.io', 'NEW_GUEST', 'Will be invited as a guest. A space admin adds them to a space afterwards.'],
      ['lee.chen@acme.com', 'REFUSED', "acme.com is one of your organization's verified domains, so this person can't be a guest. Invite them as a User instead."],
      ['someone@eu.acme.com', 'REFUSED', "eu.acme.com is one of your organization's verified domains, so this person can't be a guest. Invite them as a User instead."],
      ['casey.jones@brightagency.io', 'ALREADY_ON_SITE', 'Already a guest on this site. Nothing will change.'],
      ['taylor.morgan@clientco.com', 'RESEND', 'Already invited. The invitation will be sent again with a new link.'],
    ]);
  });

  it('refuses to turn a current licensed user into a guest (even with an external address)', async () => {
    const lee = await t.db.user.findUniqueOrThrow({ where: { email: 'lee.chen@acme.com' } });
    // Give a licensed user an external-looking address to isolate the licensed-user rule.
    await t.db.user.update({ where: { id: lee.id }, data: { email: 'lee@lee-consulting.io', emailDomain: 'lee-consulting.io' } });
    try {
      const [row] = await reviewInvitations(t.db, admin.site.id, ['lee@lee-consulting.io'], 'GUEST');
      expect(row).toMatchObject({ outcome: 'REFUSED', detail: "Already a licensed user on this site. A licensed user can't be turned into a guest here." });
    } finally {
      await t.db.user.update({ where: { id: lee.id }, data: { email: 'lee.chen@acme.com', emailDomain: 'acme.com' } });
    }
  });

  it('refuses guests beyond the allowance (guests per licensed user × licensed seats)', async () => {
    // 5 licensed seats × ratio 1 = 5 guests; 2 guests + 1 pending guest invitation are already used.
    await t.db.organization.updateMany({ data: { guestsPerLicensedUser: 1 } });
    try {
      const rows = await reviewInvitations(t.db, admin.site.id, ['g1@partner.io', 'g2@partner.io', 'g3@partner.io'], 'GUEST');
      expect(rows.map((r) => r.outcome)).toEqual(['NEW_GUEST', 'NEW_GUEST', 'REFUSED']);
      expect(rows[2].detail).toBe('Your site has reached its guest limit (5 guests). Remove guests or add licensed users first.');
    } finally {
      await t.db.organization.updateMany({ data: { guestsPerLicensedUser: 5 } });
    }
  });

  it('offers no guests on the Free plan', async () => {
    await t.db.organization.updateMany({ data: { plan: 'FREE' } });
    try {
      const [row] = await reviewInvitations(t.db, admin.site.id, ['new@partner.io'], 'GUEST');
      expect(row).toMatchObject({ outcome: 'REFUSED', detail: 'Guest access is only available on Standard, Premium and Enterprise plans.' });
      const [user] = await reviewInvitations(t.db, admin.site.id, ['new@acme.com'], 'USER');
      expect(user.outcome).toBe('NEW_USER');
    } finally {
      await t.db.organization.updateMany({ data: { plan: 'STANDARD' } });
    }
  });
});

describe('Grant access', () => {
  it('writes each invitation with its email in one go; refused addresses get nothing', async () => {
    const rows = await grant(['ann@partner.io', 'bob@partner.io', 'priya.shah@acme.com'], 'GUEST', { personalMessage: 'Hi <b>Ann</b> & Bob' });
    expect(rows.map((r) => [r.email, r.result])).toEqual([
      ['ann@partner.io', 'INVITED'],
      ['bob@partner.io', 'INVITED'],
      ['priya.shah@acme.com', 'REFUSED'],
    ]);
    const ann = await t.db.invitation.findFirstOrThrow({ where: { email: 'ann@partner.io' } });
    expect(ann).toMatchObject({ state: 'PENDING', role: 'GUEST', deliveryState: 'QUEUED', personalMessage: 'Hi <b>Ann</b> & Bob', invitedById: admin.userId });
    expect(ann.expiresAt.getTime() - ann.createdAt.getTime()).toBeGreaterThan(6.9 * 86_400_000);
    const token = await tokenSentTo('ann@partner.io');
    expect(token).toHaveLength(43);
    expect(ann.tokenHash).toBe(hashInvitationToken(token));
    expect(ann.tokenHash).not.toContain(token);
    expect(await t.db.outboxEmail.count({ where: { to: 'priya.shah@acme.com' } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { action: 'invitation.created', actorId: admin.userId } })).toBe(2);
  });

  it('a batch writes each invitation its email and its audit event, in the order the addresses were given', async () => {
    const before = new Date();
    const accessEnds = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 90 * 86_400_000 - 1); // the end of a day in 90 days
    await grantAccess(
      t.db,
      admin,
      { emails: ['zed@partner.io', 'amy@partner.io'], role: 'GUEST', personalMessage: 'Welcome "aboard"\\ {team}', resend: [], guestAccessExpiresAt: accessEnds },
      auditOf(admin),
    );
    const invitations = await Promise.all(['zed@partner.io', 'amy@partner.io'].map((email) => t.db.invitation.findFirstOrThrow({ where: { email } })));
    for (const invitation of invitations) {
      expect(invitation.id).toMatch(/^c[0-9a-z]{24}$/);
      expect(invitation).toMatchObject({ siteId: admin.site.id, openEmail: invitation.email, state: 'PENDING', personalMessage: 'Welcome "aboard"\\ {team}', guestAccessExpiresAt: accessEnds });
      expect(invitation.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      expect(invitation.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      const [email] = await t.db.outboxEmail.findMany({ where: { invitationId: invitation.id } });
      expect(email).toMatchObject({ template: 'invitation', to: invitation.email, state: 'PENDING', attempts: 0 });
      expect(email.payload).toEqual({
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        inviterName: 'Alana Admin',
        siteName: 'Acme',
        role: 'GUEST',
        personalMessage: 'Welcome "aboard"\\ {team}',
        expiresAt: invitation.expiresAt.toISOString(),
      });
      expect(invitation.tokenHash).toBe(hashInvitationToken((email.payload as { token: string }).token));
    }
    const events = await t.db.auditEvent.findMany({ where: { targetId: { in: invitations.map((i) => i.id) } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.targetId, e.siteId, e.actorId, e.ip, e.userAgent, e.before, e.after])).toEqual(
      invitations.map((i) => [
        'invitation.created', i.id, admin.site.id, admin.userId, '203.0.113.10', 'vitest', null,
        { email: i.email, role: 'GUEST', personalMessage: 'Welcome "aboard"\\ {team}', guestAccessExpiresAt: accessEnds.toISOString() },
      ]),
    );
  });

  it('the same address invited from two places at the same instant ends as one invitation and one email', async () => {
    const results = await Promise.all([grant(['race@partner.io']), grant(['race@partner.io']), grant(['Race@Partner.io'])]);
    expect(results.flat().map((r) => r.result).sort()).toEqual(['INVITED', 'SKIPPED', 'SKIPPED']);
    expect(await t.db.invitation.count({ where: { email: 'race@partner.io' } })).toBe(1);
    expect(await t.db.outboxEmail.count({ where: { to: 'race@partner.io' } })).toBe(1);
  });

  it('resend issues a new link and the old one stops working; revoke invalidates it', async () => {
    await grant(['resend@partner.io']);
    const first = await tokenSentTo('resend@partner.io');
    const invitation = await t.db.invitation.findFirstOrThrow({ where: { email: 'resend@partner.io' } });
    await resendInvitation(t.db, admin, invitation.id, auditOf(admin));
    const second = await tokenSentTo('resend@partner.io');
    expect(second).not.toBe(first);
    expect((await describeInvitation(t.db, first)).state).toBe('UNKNOWN');
    expect((await describeInvitation(t.db, second)).state).toBe('VALID');
    // The first email, not yet delivered, will never go out with a dead link.
    expect(await t.db.outboxEmail.count({ where: { invitationId: invitation.id, state: 'PENDING' } })).toBe(1);

    await revokeInvitation(t.db, admin, invitation.id, auditOf(admin));
    expect((await describeInvitation(t.db, second)).state).toBe('REVOKED');
    await expect(revokeInvitation(t.db, admin, invitation.id, auditOf(admin))).rejects.toThrow('That invitation is no longer pending.');
    // A revoked invitation no longer blocks a new one.
    expect((await grant(['resend@partner.io']))[0].result).toBe('INVITED');
  });

  it('an already-invited address is sent again only when the admin confirmed it', async () => {
    expect((await grant(['taylor.morgan@clientco.com']))[0].result).toBe('SKIPPED');
    expect((await grant(['taylor.morgan@clientco.com'], 'GUEST', { resend: ['taylor.morgan@clientco.com'] }))[0].result).toBe('RESENT');
  });

  it('is refused to anyone who is not a site admin', async () => {
    const sam = await viewerFor(t.db, 'sam.rivera@acme.com');
    await expect(grantAccess(t.db, sam, { emails: ['x@partner.io'], role: 'GUEST', personalMessage: null, resend: [] }, auditOf(sam))).rejects.toThrow(/access/);
    expect(await t.db.invitation.count({ where: { email: 'x@partner.io' } })).toBe(0);
  });
});

describe('Accepting an invitation', () => {
  it('creates the account and puts a guest on the site with no space', async () => {
    await grant(['newbie@partner.io']);
    const token = await tokenSentTo('newbie@partner.io');
    const view = await describeInvitation(t.db, token);
    expect(view).toMatchObject({ state: 'VALID', email: 'newbie@partner.io', role: 'GUEST', siteName: 'Acme', inviterName: 'Alana Admin', accountExists: false });
    const { userId } = await acceptInvitationWithNewAccount(t.db, token, { name: 'New Bie', password: 'long-enough-pw' });
    const session = await t.db.session.create({ data: { userId, expiresAt: new Date(Date.now() + 60_000) } });
    const viewer = await loadViewer(t.db, session.id);
    expect(viewer?.siteAccess).toMatchObject({ jiraRole: 'GUEST', isSiteAdmin: false, suspended: false });
    expect(homePath(viewer!)).toBe('/no-space');
    expect((await describeInvitation(t.db, token)).state).toBe('USED');
    // The link was used (by this very account): that is what its owner is told, not "log in".
    await expect(acceptInvitationWithNewAccount(t.db, token, { name: 'Again', password: 'long-enough-pw' })).rejects.toThrow(
      'This invitation has already been used.',
    );
  });

  it('accepting twice at the same instant yields one account, one membership; the other sees "already used"', async () => {
    await grant(['twice@partner.io']);
    const token = await tokenSentTo('twice@partner.io');
    const results = await Promise.allSettled([
      acceptInvitationWithNewAccount(t.db, token, { name: 'Twice', password: 'long-enough-pw' }),
      acceptInvitationWithNewAccount(t.db, token, { name: 'Twice', password: 'long-enough-pw' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []))).toEqual(['This invitation has already been used.']);
    expect(await t.db.user.count({ where: { email: 'twice@partner.io' } })).toBe(1);
    expect(await t.db.siteUser.count({ where: { user: { email: 'twice@partner.io' } } })).toBe(1);
  });

  it('an existing account accepts while signed in, only for its own address', async () => {
    await grant(['morgan.lee@freelance.dev']);
    const token = await tokenSentTo('morgan.lee@freelance.dev');
    expect(await describeInvitation(t.db, token)).toMatchObject({ state: 'VALID', accountExists: true });
    const casey = await t.db.user.findUniqueOrThrow({ where: { email: 'casey.jones@brightagency.io' } });
    await expect(acceptInvitationAsUser(t.db, token, casey.id)).rejects.toThrow('This invitation is for morgan.lee@freelance.dev.');
    const morgan = await t.db.user.findUniqueOrThrow({ where: { email: 'morgan.lee@freelance.dev' } });
    await acceptInvitationAsUser(t.db, token, morgan.id);
    expect(await t.db.appRole.findFirst({ where: { userId: morgan.id } })).toMatchObject({ role: 'GUEST' });
    expect(await t.db.auditEvent.count({ where: { action: 'invitation.accepted', targetUserId: morgan.id } })).toBe(1);
  });

  it('expired and unknown links are explained and cannot be accepted', async () => {
    await grant(['late@partner.io']);
    const token = await tokenSentTo('late@partner.io');
    const later = new Date(Date.now() + 8 * 86_400_000);
    expect((await describeInvitation(t.db, token, later)).state).toBe('EXPIRED');
    await expect(acceptInvitationWithNewAccount(t.db, token, { name: 'Late', password: 'long-enough-pw' }, {}, later)).rejects.toThrow(
      'This invitation has expired. Ask a site admin to send you a new one.',
    );
    expect(await t.db.user.count({ where: { email: 'late@partner.io' } })).toBe(0);
    expect((await describeInvitation(t.db, 'x'.repeat(43))).state).toBe('UNKNOWN');
    expect((await describeInvitation(t.db, '../../etc/passwd')).state).toBe('UNKNOWN');
  });

  it('a user invited as User is licensed afterwards', async () => {
    await grant(['new.hire@acme.com'], 'USER');
    const token = await tokenSentTo('new.hire@acme.com');
    const { userId } = await acceptInvitationWithNewAccount(t.db, token, { name: 'New Hire', password: 'long-enough-pw' });
    expect(await t.db.siteUser.findFirst({ where: { userId } })).toMatchObject({ everLicensedAt: expect.any(Date) });
    expect(await t.db.appRole.findFirst({ where: { userId } })).toMatchObject({ role: 'USER' });
  });
});

