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

type ProfileRow = {
  id: string;
  name: string;
  email: string;
  emailDomain: string;
  lastActiveAt: Date | null;
  isSiteAdmin: boolean;
  suspendedAt: Date | null;
  everLicensedAt: Date | null;
  addedAt: Date;
  accessExpiresAt: Date | null;
  invitedBy: string | null;
  appRoles: { kind: string; name: string; role: JiraRole }[];
  spaceKey: string | null;
  spaceName: string | null;
  apiTokens: bigint;
  guestAccessDefaultDays: number | null;
};

export async function getUserProfile(db: Db, viewer: Viewer, userId: string) {
  assertCan(viewer, 'admin.users.view');
  const siteId = viewer.site.id;
  // One statement for the person, their roles, space and open API tokens (Prisma's includes took
  // seven), read alongside their recent audit events.
  const [rows, events] = await Promise.all([
    db.$queryRaw<ProfileRow[]>`
      SELECT u."id", u."name", u."email", u."emailDomain", u."lastActiveAt",
        su."isSiteAdmin", su."suspendedAt", su."everLicensedAt", su."addedAt", su."accessExpiresAt",
        ib."name" AS "invitedBy",
        COALESCE((SELECT json_agg(json_build_object('kind', a."kind", 'name', a."name", 'role', r."role") ORDER BY a."name", a."id")
                  FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
                  WHERE r."userId" = u."id" AND a."siteId" = su."siteId"), '[]'::json) AS "appRoles",
        sp."key" AS "spaceKey", sp."name" AS "spaceName",
        (SELECT count(*) FROM "ApiToken" t WHERE t."userId" = u."id" AND t."revokedAt" IS NULL) AS "apiTokens",
        o."guestAccessDefaultDays"
      FROM "SiteUser" su
      JOIN "User" u ON u."id" = su."userId"
      JOIN "Site" st ON st."id" = su."siteId"
      JOIN "Organization" o ON o."id" = st."organizationId"
      LEFT JOIN "User" ib ON ib."id" = su."invitedById"
      LEFT JOIN "GuestSpaceAssignment" g ON g."siteId" = su."siteId" AND g."userId" = su."userId"
      LEFT JOIN "Space" sp ON sp."id" = g."spaceId"
      WHERE su."siteId" = ${siteId} AND su."userId" = ${userId}`,
    db.auditEvent.findMany({
      where: { siteId, OR: [{ targetUserId: userId }, { actorId: userId }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 10,
      select: { id: true, action: true, createdAt: true, actor: { select: { name: true } }, before: true, after: true },
    }),
  ]);
  const person = rows[0];
  if (!person) return null;
  const jira = person.appRoles.find((r) => r.kind === 'JIRA');
  // The expiry job clears accessExpiresAt when it ends a guest's access; its audit event keeps the date.
  const expired = person.suspendedAt && !person.accessExpiresAt
    ? await db.auditEvent.findFirst({
        // A restore since then means the suspension is someone's later decision, not the expiry.
        where: { siteId, targetUserId: userId, action: { in: ['guest.access.expired', 'user.restored'] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { action: true, before: true },
      })
    : null;
  const expiredBefore = (expired?.action === 'guest.access.expired' ? expired.before : null) as { accessExpiresAt?: unknown } | null;
  const accessExpiredAt = typeof expiredBefore?.accessExpiresAt === 'string' ? new Date(expiredBefore.accessExpiresAt) : null;
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    external: isExternalDomain(person.emailDomain, viewer.site.verifiedDomains),
    status: person.suspendedAt ? ('SUSPENDED' as const) : ('ACTIVE' as const),
    isSiteAdmin: person.isSiteAdmin,
    everLicensed: person.everLicensedAt !== null,
    addedAt: person.addedAt,
    lastActiveAt: person.lastActiveAt,
    invitedBy: person.invitedBy,
    jiraRole: jira?.role ?? null,
    otherApps: person.appRoles.filter((r) => r.kind !== 'JIRA').map((r) => ({ name: r.name, role: r.role })),
    space: person.spaceKey !== null && person.spaceName !== null ? { key: person.spaceKey, name: person.spaceName } : null,
    apiTokens: Number(person.apiTokens),
    /** Guests: when their access ends (null = no expiry). */
    accessExpiresAt: person.accessExpiresAt,
    /** The expiry date the job ended their access on, if that is why they are suspended now. */
    accessExpiredAt,
    guestAccessDefaultDays: person.guestAccessDefaultDays,
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
  const rows = await db.$queryRaw<{ grant: Grantable }[]>`
    SELECT g."experience"::text AS "grant" FROM "ExperienceGrant" g WHERE g."siteId" = ${viewer.site.id} AND g."userId" = ${userId}
    UNION ALL
    SELECT 'CONFLUENCE' FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
    WHERE r."userId" = ${userId} AND a."siteId" = ${viewer.site.id} AND a."kind" = 'CONFLUENCE'`;
  return new Set<Grantable>(rows.map((row) => row.grant));
}
