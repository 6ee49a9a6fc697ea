import type { Db } from '../db/client';
import { isExternalDomain } from '../email-address';
import { currentSite } from '../site';
import type { Viewer } from './policy';

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

type Account = { id: string; email: string; name: string; emailDomain: string };

/**
 * A person's access on this deployment's site, read from the database now: site membership,
 * app roles, their guest space and granted experiences. Sessions and API tokens both use it, so a
 * token never carries other rights than its owner has at the moment of the call.
 */
export async function loadAccessFor(db: Db, user: Account, credentialId: string): Promise<Viewer> {
  const site = await currentSite(db);
  const userId = user.id;
  const [siteUser, appRoles, assignment, grants] = await Promise.all([
    db.siteUser.findUnique({ where: { siteId_userId: { siteId: site.id, userId } } }),
    db.appRole.findMany({ where: { userId, app: { siteId: site.id } }, select: { role: true, app: { select: { kind: true } } } }),
    db.guestSpaceAssignment.findUnique({
      where: { siteId_userId: { siteId: site.id, userId } },
      select: { space: { select: { id: true, key: true, name: true } } },
    }),
    db.experienceGrant.findMany({ where: { siteId: site.id, userId }, select: { experience: true } }),
  ]);
  const jira = appRoles.find((r) => r.app.kind === 'JIRA');
  return {
    userId,
    sessionId: credentialId,
    email: user.email,
    name: user.name,
    external: isExternalDomain(user.emailDomain, site.organization.verifiedDomains.map((d) => d.domain)),
    site: { id: site.id, name: site.name, slug: site.slug, plan: site.organization.plan },
    siteAccess: siteUser
      ? {
          isSiteAdmin: siteUser.isSiteAdmin,
          suspended: siteUser.suspendedAt !== null,
          jiraRole: jira?.role ?? null,
          otherApps: appRoles.filter((r) => r.app.kind !== 'JIRA').map((r) => r.app.kind),
        }
      : null,
    guestSpace: jira?.role === 'GUEST' ? (assignment?.space ?? null) : null,
    grantedExperiences: grants.map((g) => g.experience),
  };
}

/**
 * Loads who is asking, from the database, for one request. Returns null when the session is
 * unknown, revoked or expired, or the account is deactivated: a stale cookie never keeps access.
 */
export async function loadViewer(db: Db, sessionId: string | undefined, now = new Date()): Promise<Viewer | null> {
  if (!sessionId) return null;
  const session = await db.session.findUnique({
    where: { id: sessionId },
    include: { user: { select: { id: true, email: true, name: true, emailDomain: true, active: true, lastActiveAt: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || !session.user.active) return null;

  const viewer = await loadAccessFor(db, session.user, session.id);
  if (now.getTime() - session.lastSeenAt.getTime() > ACTIVITY_WRITE_INTERVAL_MS) {
    await db.$transaction([
      db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } }),
      db.user.update({ where: { id: session.user.id }, data: { lastActiveAt: now } }),
    ]);
  }
  return viewer;
}
