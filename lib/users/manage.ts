// A user's profile actions: Roles (Guest ↔ User ↔ Admin), Suspend / Restore access, Remove access.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { writeAudit, type AuditContext } from '../audit';
import { assertCan, type Viewer } from '../access/policy';
import { emailDomain, isExternalDomain } from '../email-address';
import { DomainError } from '../result';
import { lockSiteMembership } from '../invitations/grant';
import { FREE_PLAN_GUEST_REASON, GUEST_PLANS, loadSiteContext } from '../invitations/review';
import { siteUsage } from '../site-usage';
import { JIRA_ROLE_LABELS, type JiraRole } from '../invitations/invite-users.schema';

export { billingEffect } from './billing-effect';

type Tx = Prisma.TransactionClient;

async function loadTarget(tx: Tx, viewer: Viewer, userId: string) {
  const siteUser = await tx.siteUser.findUnique({
    where: { siteId_userId: { siteId: viewer.site.id, userId } },
    include: { user: { select: { id: true, email: true, name: true, emailDomain: true } } },
  });
  if (!siteUser) throw new DomainError('NOT_FOUND', 'That person is not on this site.');
  const site = await loadSiteContext(tx, viewer.site.id);
  const jiraRole = await tx.appRole.findUnique({ where: { appId_userId: { appId: site.jiraAppId, userId } } });
  return { siteUser, site, jiraRole: jiraRole?.role ?? null };
}

export async function changeJiraRole(db: Db, viewer: Viewer, userId: string, role: JiraRole, audit: AuditContext) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    await lockSiteMembership(tx, viewer.site.id);
    const { siteUser, site, jiraRole } = await loadTarget(tx, viewer, userId);
    if (jiraRole === role) return { from: jiraRole, to: role };
    if (!jiraRole) throw new DomainError('REFUSED', `${siteUser.user.name} has no access to Jira. Invite them again to give them a role.`);
    if (role === 'GUEST') {
      if (!GUEST_PLANS.includes(site.plan as (typeof GUEST_PLANS)[number])) throw new DomainError('REFUSED', FREE_PLAN_GUEST_REASON);
      if (!isExternalDomain(emailDomain(siteUser.user.email), site.verifiedDomains)) {
        throw new DomainError('REFUSED', `${siteUser.user.email} is in one of your organization's verified domains, so this person can't be a guest.`);
      }
      throw new DomainError('REFUSED', `${siteUser.user.name} is a licensed user. A current or former licensed user can't be changed to a guest.`);
    }
    if (jiraRole === 'GUEST') {
      // Becoming licensed lifts the one-space rule; their space role becomes Member.
      await tx.guestSpaceAssignment.deleteMany({ where: { siteId: site.id, userId } });
      await tx.spaceMembership.updateMany({ where: { userId, role: 'GUEST', space: { siteId: site.id } }, data: { role: 'MEMBER' } });
      await tx.experienceGrant.deleteMany({ where: { siteId: site.id, userId } });
    }
    await tx.appRole.update({ where: { appId_userId: { appId: site.jiraAppId, userId } }, data: { role } });
    // Licensed access doesn't expire: a guest's expiry date goes with the guest role.
    await tx.siteUser.update({
      where: { id: siteUser.id },
      data: { everLicensedAt: siteUser.everLicensedAt ?? new Date(), ...(jiraRole === 'GUEST' ? { accessExpiresAt: null, expiryReminderSentAt: null } : {}) },
    });
    await writeAudit(tx, audit, {
      action: 'user.role.changed',
      targetType: 'user',
      targetId: userId,
      targetUserId: userId,
      before: { jiraRole },
      after: { jiraRole: role },
    });
    return { from: jiraRole, to: role };
  });
}

export async function suspendAccess(db: Db, viewer: Viewer, userId: string, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.users.manage');
  if (userId === viewer.userId) throw new DomainError('REFUSED', "You can't suspend your own access.");
  return db.$transaction(async (tx) => {
    const { siteUser } = await loadTarget(tx, viewer, userId);
    if (siteUser.suspendedAt) throw new DomainError('CONFLICT', `${siteUser.user.name}'s access is already suspended.`);
    await tx.siteUser.update({ where: { id: siteUser.id }, data: { suspendedAt: now } });
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    await writeAudit(tx, audit, { action: 'user.suspended', targetType: 'user', targetId: userId, targetUserId: userId, before: { status: 'ACTIVE' }, after: { status: 'SUSPENDED' } });
  });
}

export async function restoreAccess(db: Db, viewer: Viewer, userId: string, audit: AuditContext) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    const { siteUser } = await loadTarget(tx, viewer, userId);
    if (!siteUser.suspendedAt) throw new DomainError('CONFLICT', `${siteUser.user.name}'s access isn't suspended.`);
    await tx.siteUser.update({ where: { id: siteUser.id }, data: { suspendedAt: null } });
    await writeAudit(tx, audit, { action: 'user.restored', targetType: 'user', targetId: userId, targetUserId: userId, before: { status: 'SUSPENDED' }, after: { status: 'ACTIVE' } });
  });
}

/**
 * Remove access: app roles, space memberships, granted experiences, sessions, API tokens and
 * pending invitations go at once; the person stays listed with no access.
 */
export async function removeAccess(db: Db, viewer: Viewer, userId: string, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.users.manage');
  if (userId === viewer.userId) throw new DomainError('REFUSED', "You can't remove your own access.");
  return db.$transaction(async (tx) => {
    await lockSiteMembership(tx, viewer.site.id);
    const { siteUser, site, jiraRole } = await loadTarget(tx, viewer, userId);
    const space = await tx.guestSpaceAssignment.findUnique({ where: { siteId_userId: { siteId: site.id, userId } }, select: { space: { select: { key: true } } } });
    await tx.appRole.deleteMany({ where: { userId, app: { siteId: site.id } } });
    await tx.spaceMembership.deleteMany({ where: { userId, space: { siteId: site.id } } });
    await tx.experienceGrant.deleteMany({ where: { siteId: site.id, userId } });
    await tx.workItemShare.deleteMany({ where: { userId, workItem: { space: { siteId: site.id } } } });
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    await tx.invitation.updateMany({ where: { siteId: site.id, email: siteUser.user.email, state: 'PENDING' }, data: { state: 'REVOKED', openEmail: null, revokedAt: now } });
    await tx.siteUser.update({ where: { id: siteUser.id }, data: { isSiteAdmin: false } });
    await writeAudit(tx, audit, {
      action: 'user.access.removed',
      targetType: 'user',
      targetId: userId,
      targetUserId: userId,
      before: { jiraRole, space: space?.space.key ?? null, siteAdmin: siteUser.isSiteAdmin },
      after: { jiraRole: null },
    });
  });
}

export async function getUserProfile(db: Db, viewer: Viewer, userId: string) {
  assertCan(viewer, 'admin.users.view');
  const site = await loadSiteContext(db, viewer.site.id);
  const siteUser = await db.siteUser.findUnique({
    where: { siteId_userId: { siteId: site.id, userId } },
    include: {
      invitedBy: { select: { name: true } },
      user: {
        select: {
          id: true,
          name: true,
          email: true,
          emailDomain: true,
          lastActiveAt: true,
          appRoles: { where: { app: { siteId: site.id } }, select: { role: true, app: { select: { kind: true, name: true } } } },
          guestAssignment: { where: { siteId: site.id }, select: { space: { select: { key: true, name: true } } } },
          _count: { select: { apiTokens: { where: { revokedAt: null } } } },
        },
      },
    },
  });
  if (!siteUser) return null;
  const events = await db.auditEvent.findMany({
    where: { siteId: site.id, OR: [{ targetUserId: userId }, { actorId: userId }] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 10,
    select: { id: true, action: true, createdAt: true, actor: { select: { name: true } }, before: true, after: true },
  });
  const jira = siteUser.user.appRoles.find((r) => r.app.kind === 'JIRA');
  // The expiry job clears accessExpiresAt when it ends a guest's access; its audit event keeps the date.
  const expired = siteUser.suspendedAt && !siteUser.accessExpiresAt
    ? await db.auditEvent.findFirst({
        // A restore since then means the suspension is someone's later decision, not the expiry.
        where: { siteId: site.id, targetUserId: userId, action: { in: ['guest.access.expired', 'user.restored'] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { action: true, before: true },
      })
    : null;
  const expiredBefore = (expired?.action === 'guest.access.expired' ? expired.before : null) as { accessExpiresAt?: unknown } | null;
  const accessExpiredAt = typeof expiredBefore?.accessExpiresAt === 'string' ? new Date(expiredBefore.accessExpiresAt) : null;
  return {
    id: siteUser.user.id,
    name: siteUser.user.name,
    email: siteUser.user.email,
    external: isExternalDomain(siteUser.user.emailDomain, site.verifiedDomains),
    status: siteUser.suspendedAt ? ('SUSPENDED' as const) : ('ACTIVE' as const),
    isSiteAdmin: siteUser.isSiteAdmin,
    everLicensed: siteUser.everLicensedAt !== null,
    addedAt: siteUser.addedAt,
    lastActiveAt: siteUser.user.lastActiveAt,
    invitedBy: siteUser.invitedBy?.name ?? null,
    jiraRole: (jira?.role ?? null) as JiraRole | null,
    otherApps: siteUser.user.appRoles.filter((r) => r.app.kind !== 'JIRA').map((r) => ({ name: r.app.name, role: r.role })),
    space: siteUser.user.guestAssignment[0]?.space ?? null,
    apiTokens: siteUser.user._count.apiTokens,
    /** Guests: when their access ends (null = no expiry). */
    accessExpiresAt: siteUser.accessExpiresAt,
    /** The expiry date the job ended their access on, if that is why they are suspended now. */
    accessExpiredAt,
    guestAccessDefaultDays: site.guestAccessDefaultDays,
    events: events.map((e) => ({ ...e, id: e.id.toString() })),
    roleLabel: jira ? JIRA_ROLE_LABELS[jira.role] : 'No access',
  };
}

export type UserProfile = NonNullable<Awaited<ReturnType<typeof getUserProfile>>>;

/** Settings → Billing: the plan; Free is refused while the site has guests. */
export async function changePlan(db: Db, viewer: Viewer, plan: 'FREE' | 'STANDARD' | 'PREMIUM' | 'ENTERPRISE', audit: AuditContext) {
  assertCan(viewer, 'admin.billing.manage');
  return db.$transaction(async (tx) => {
    await lockSiteMembership(tx, viewer.site.id);
    const site = await tx.site.findUniqueOrThrow({ where: { id: viewer.site.id }, select: { organization: { select: { id: true, plan: true } } } });
    const before = site.organization.plan;
    if (before === plan) return { before, after: plan };
    if (plan === 'FREE') {
      const usage = await siteUsage(tx, viewer.site.id);
      if (usage.guests > 0 || usage.pendingGuestInvitations > 0) {
        const steps = [
          usage.guests > 0 ? `change ${usage.guests === 1 ? 'the 1 guest' : `each of the ${usage.guests} guests`} to a licensed user or remove their access` : null,
          usage.pendingGuestInvitations > 0 ? `revoke the ${usage.pendingGuestInvitations} pending guest invitation${usage.pendingGuestInvitations === 1 ? '' : 's'}` : null,
        ].filter(Boolean);
        throw new DomainError('REFUSED', `You can't move to Free while your site has guests. Guest access isn't available on Free. First ${steps.join(', and ')}.`);
      }
    }
    await tx.organization.update({ where: { id: site.organization.id }, data: { plan } });
    await writeAudit(tx, audit, { action: 'billing.plan.changed', targetType: 'organization', targetId: site.organization.id, before: { plan: before }, after: { plan } });
    return { before, after: plan };
  });
}

export const GRANTABLE = {
  DASHBOARDS: 'Dashboards',
  GOALS: 'Goals',
  PEOPLE_DIRECTORY: 'People directory',
} as const;
export type Grantable = keyof typeof GRANTABLE | 'CONFLUENCE';

/**
 * A site admin grants a guest a site-wide experience (Dashboards, Goals, People directory) or
 * another app (Confluence, as a guest there), or takes it back. Only guests get grants: licensed
 * users have these already.
 */
export async function setGuestGrant(db: Db, viewer: Viewer, userId: string, grant: Grantable, granted: boolean, audit: AuditContext) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    const { siteUser, site, jiraRole } = await loadTarget(tx, viewer, userId);
    if (jiraRole !== 'GUEST') throw new DomainError('REFUSED', `${siteUser.user.name} isn't a guest. Licensed users already have site-wide experiences.`);
    const label = grant === 'CONFLUENCE' ? 'Confluence' : GRANTABLE[grant];
    if (grant === 'CONFLUENCE') {
      const app = await tx.app.findUnique({ where: { siteId_kind: { siteId: site.id, kind: 'CONFLUENCE' } } });
      if (!app) throw new DomainError('NOT_FOUND', 'This site has no Confluence app.');
      if (granted) await tx.appRole.upsert({ where: { appId_userId: { appId: app.id, userId } }, create: { appId: app.id, userId, role: 'GUEST' }, update: {} });
      else await tx.appRole.deleteMany({ where: { appId: app.id, userId } });
    } else if (granted) {
      await tx.experienceGrant.upsert({
        where: { siteId_userId_experience: { siteId: site.id, userId, experience: grant } },
        create: { siteId: site.id, userId, experience: grant, grantedById: viewer.userId },
        update: {},
      });
    } else {
      await tx.experienceGrant.deleteMany({ where: { siteId: site.id, userId, experience: grant } });
    }
    await writeAudit(tx, audit, { action: granted ? 'guest.access.granted' : 'guest.access.revoked', targetType: 'user', targetId: userId, targetUserId: userId, after: { [grant]: granted } });
    return `${label} ${granted ? 'granted' : 'revoked'}.`;
  });
}

export async function guestGrants(db: Db, viewer: Viewer, userId: string) {
  assertCan(viewer, 'admin.users.view');
  const [grants, confluence] = await Promise.all([
    db.experienceGrant.findMany({ where: { siteId: viewer.site.id, userId }, select: { experience: true } }),
    db.appRole.findFirst({ where: { userId, app: { siteId: viewer.site.id, kind: 'CONFLUENCE' } }, select: { id: true } }),
  ]);
  const held = new Set<Grantable>(grants.map((g) => g.experience));
  if (confluence) held.add('CONFLUENCE');
  return held;
}
