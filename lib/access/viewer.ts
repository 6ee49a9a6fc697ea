import type { Db } from '../db/client';
import { isExternalDomain } from '../email-address';
import { currentSite } from '../site';
import { DEFAULT_POLICY, sessionVerdict, tokenVerdict, type SessionFacts } from '../security/verification';
import type { Viewer } from './policy';

const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

type Account = { id: string; email: string; name: string; emailDomain: string };

/**
 * A person's access on this deployment's site, read from the database now: site membership,
 * app roles, their guest space and granted experiences. Sessions and API tokens both use it, so a
 * token never carries other rights than its owner has at the moment of the call.
 */
export async function loadAccessFor(db: Db, user: Account, credentialId: string, options: { session?: SessionFacts; now?: Date } = {}): Promise<Viewer> {
  return (await resolveAccess(db, user, credentialId, options)).viewer;
}

/**
 * The access, plus whether this credential has verified enough (two-step verification, session
 * expiration, idle timeout, "Reset sessions"): with `session`, the rules of a browser session;
 * without, those of an API token call (lib/security/verification.ts). `ended` = the session was
 * ended by "Reset sessions".
 */
async function resolveAccess(db: Db, user: Account, credentialId: string, options: { session?: SessionFacts; now?: Date }) {
  const site = await currentSite(db);
  const userId = user.id;
  const now = options.now ?? new Date();
  const external = isExternalDomain(user.emailDomain, site.verifiedDomains);
  const [siteUser, appRoles, assignment, grants, policyRow, authenticator] = await Promise.all([
    db.siteUser.findUnique({ where: { siteId_userId: { siteId: site.id, userId } } }),
    db.appRole.findMany({ where: { userId, app: { siteId: site.id } }, select: { role: true, app: { select: { kind: true } } } }),
    db.guestSpaceAssignment.findUnique({
      where: { siteId_userId: { siteId: site.id, userId } },
      select: { space: { select: { id: true, key: true, name: true } } },
    }),
    db.experienceGrant.findMany({ where: { siteId: site.id, userId }, select: { experience: true } }),
    external ? db.externalUserPolicy.findUnique({ where: { organizationId: site.organizationId } }) : null,
    db.authenticatorSecret.findUnique({ where: { userId }, select: { confirmedAt: true } }),
  ]);
  const jira = appRoles.find((r) => r.app.kind === 'JIRA');
  // The external-user policy applies to external people on the site with usable access.
  const subject = external && siteUser !== null && siteUser.suspendedAt === null;
  const policy = policyRow ?? DEFAULT_POLICY;
  const hasAuthenticator = authenticator?.confirmedAt != null;
  const verdict = options.session
    ? sessionVerdict({ subject, policy, hasAuthenticator, session: options.session, now })
    : tokenVerdict({
        subject,
        policy,
        hasAuthenticator,
        lastSecondFactorAt: subject && policy.twoStepMethod !== 'NONE' ? await lastSecondFactorAt(db, userId, policy.sessionsResetAt) : null,
        now,
      });
  const viewer: Viewer = {
    userId,
    sessionId: credentialId,
    email: user.email,
    name: user.name,
    external,
    site: {
      id: site.id,
      name: site.name,
      slug: site.slug,
      plan: site.plan,
      organizationId: site.organizationId,
      verifiedDomains: site.verifiedDomains,
    },
    siteAccess: siteUser
      ? {
          isSiteAdmin: siteUser.isSiteAdmin,
          // A guest whose access expiry has passed is treated as suspended right away, even
          // before the expiry job has run (lib/guests/expiry.ts).
          suspended: siteUser.suspendedAt !== null || (siteUser.accessExpiresAt !== null && siteUser.accessExpiresAt <= now),
          jiraRole: jira?.role ?? null,
          otherApps: appRoles.filter((r) => r.app.kind !== 'JIRA').map((r) => r.app.kind),
        }
      : null,
    guestSpace: jira?.role === 'GUEST' ? (assignment?.space ?? null) : null,
    grantedExperiences: grants.map((g) => g.experience),
    verification: verdict.state === 'ENDED' ? 'NEEDS_REAUTH' : verdict.state,
    secondFactor: verdict.method,
  };
  return { viewer, ended: verdict.state === 'ENDED' };
}

/** When the person last passed the second factor in a browser session started since the last "Reset sessions". */
async function lastSecondFactorAt(db: Db, userId: string, resetAt: Date | null): Promise<Date | null> {
  const latest = await db.session.aggregate({
    where: { userId, secondFactorAt: { not: null }, ...(resetAt ? { createdAt: { gte: resetAt } } : {}) },
    _max: { secondFactorAt: true },
  });
  return latest._max.secondFactorAt;
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

  const { viewer, ended } = await resolveAccess(db, session.user, session.id, { session, now });
  if (ended) return null;
  // Activity counts only once verified: an idle or expired session stays so until re-verified.
  if (viewer.verification === 'OK' && now.getTime() - session.lastSeenAt.getTime() > ACTIVITY_WRITE_INTERVAL_MS) {
    await db.$transaction([
      db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } }),
      db.user.update({ where: { id: session.user.id }, data: { lastActiveAt: now } }),
    ]);
  }
  return viewer;
}
