// Step 2 of Invite users ("Review your changes"): what will happen to each address.
import type { Db } from '../db/client';
import type { Plan, Prisma } from '../db/generated/client';
import { emailDomain, isExternalDomain } from '../email-address';
import { siteUsage } from '../site-usage';
import { JIRA_ROLE_LABELS, type JiraRole } from './invite-users.schema';

type Reader = Db | Prisma.TransactionClient;

export type ReviewOutcome = 'NEW_GUEST' | 'NEW_USER' | 'RESEND' | 'ALREADY_ON_SITE' | 'REFUSED';

export type ReviewRow = { email: string; outcome: ReviewOutcome; detail: string; pendingInvitationId?: string };

export const GUEST_PLANS = ['STANDARD', 'PREMIUM', 'ENTERPRISE'] as const;
export const FREE_PLAN_GUEST_REASON = 'Guest access is only available on Standard, Premium and Enterprise plans.';

/** The site's settings that invitations and requests depend on: one statement (a page pays one round trip). */
export async function loadSiteContext(db: Reader, siteId: string) {
  const rows = await db.$queryRaw<
    { id: string; name: string; plan: string; guestsPerLicensedUser: number; invitationExpiryDays: number; guestAccessDefaultDays: number | null; verifiedDomains: string[]; jiraAppId: string | null }[]
  >`
    SELECT s."id", s."name", o."plan"::text AS "plan", o."guestsPerLicensedUser", o."invitationExpiryDays", o."guestAccessDefaultDays",
      ARRAY(SELECT vd."domain" FROM "VerifiedDomain" vd WHERE vd."organizationId" = o."id" ORDER BY vd."domain") AS "verifiedDomains",
      (SELECT a."id" FROM "App" a WHERE a."siteId" = s."id" AND a."kind" = 'JIRA') AS "jiraAppId"
    FROM "Site" s JOIN "Organization" o ON o."id" = s."organizationId"
    WHERE s."id" = ${siteId}`;
  const site = rows[0];
  if (!site) throw new Error(`No site ${siteId}.`);
  if (!site.jiraAppId) throw new Error(`Site ${siteId} has no Jira app.`);
  return {
    id: site.id,
    name: site.name,
    plan: site.plan as Plan,
    invitationExpiryDays: site.invitationExpiryDays,
    /** Guest access length proposed for new guests, in days (null = no expiry by default). */
    guestAccessDefaultDays: site.guestAccessDefaultDays,
    verifiedDomains: site.verifiedDomains,
    jiraAppId: site.jiraAppId,
  };
}

export async function reviewInvitations(db: Reader, siteId: string, emails: string[], role: JiraRole, now = new Date()): Promise<ReviewRow[]> {
  const site = await loadSiteContext(db, siteId);
  const [users, invitations, usage] = await Promise.all([
    db.user.findMany({
      where: { email: { in: emails } },
      select: {
        email: true,
        siteUsers: { where: { siteId }, select: { everLicensedAt: true, suspendedAt: true } },
        appRoles: { where: { appId: site.jiraAppId }, select: { role: true } },
      },
    }),
    db.invitation.findMany({ where: { siteId, openEmail: { in: emails } }, select: { id: true, email: true, role: true, expiresAt: true } }),
    siteUsage(db, siteId, now),
  ]);
  const userByEmail = new Map(users.map((u) => [u.email, u]));
  const inviteByEmail = new Map(invitations.map((i) => [i.email, i]));
  let guestsLeft = usage.guestAllowance - usage.guests - usage.pendingGuestInvitations;

  return emails.map((email): ReviewRow => {
    const user = userByEmail.get(email);
    const onSite = user?.siteUsers[0];
    const currentRole = user?.appRoles[0]?.role ?? null;
    const pending = inviteByEmail.get(email);
    const external = isExternalDomain(emailDomain(email), site.verifiedDomains);

    if (role === 'GUEST') {
      if (!GUEST_PLANS.includes(site.plan as (typeof GUEST_PLANS)[number])) return { email, outcome: 'REFUSED', detail: FREE_PLAN_GUEST_REASON };
      if (!external) {
        return { email, outcome: 'REFUSED', detail: `${emailDomain(email)} is one of your organization's verified domains, so this person can't be a guest. Invite them as a User instead.` };
      }
      if (currentRole === 'USER' || currentRole === 'ADMIN') {
        return { email, outcome: 'REFUSED', detail: "Already a licensed user on this site. A licensed user can't be turned into a guest here." };
      }
      if (onSite?.everLicensedAt) {
        return { email, outcome: 'REFUSED', detail: "Was a licensed user on this site. A former licensed user can't become a guest." };
      }
      if (currentRole === 'GUEST') return { email, outcome: 'ALREADY_ON_SITE', detail: 'Already a guest on this site. Nothing will change.' };
    } else if (currentRole) {
      return {
        email,
        outcome: 'ALREADY_ON_SITE',
        detail:
          currentRole === 'GUEST'
            ? `Already a guest on this site. To make them a ${JIRA_ROLE_LABELS[role]}, change their role on their profile.`
            : `Already has Jira access as ${JIRA_ROLE_LABELS[currentRole]}. Nothing will change.`,
      };
    }

    if (pending) {
      const expired = pending.expiresAt <= now;
      // A pending guest invitation already holds a guest slot, unless it has expired.
      const needsGuestSlot = role === 'GUEST' && (pending.role !== 'GUEST' || expired);
      if (needsGuestSlot && guestsLeft <= 0) return { email, outcome: 'REFUSED', detail: guestLimitMessage(usage.guestAllowance) };
      if (needsGuestSlot) guestsLeft--;
      return {
        email,
        outcome: 'RESEND',
        pendingInvitationId: pending.id,
        detail: `Already invited${expired ? ' (the invitation has expired)' : ''}. The invitation will be sent again with a new link${pending.role !== role ? ` and the role ${JIRA_ROLE_LABELS[role]}` : ''}.`,
      };
    }
    if (role === 'GUEST') {
      if (guestsLeft <= 0) return { email, outcome: 'REFUSED', detail: guestLimitMessage(usage.guestAllowance) };
      guestsLeft--;
      return { email, outcome: 'NEW_GUEST', detail: 'Will be invited as a guest. A space admin adds them to a space afterwards.' };
    }
    return { email, outcome: 'NEW_USER', detail: `Will be invited as a ${JIRA_ROLE_LABELS[role]} (uses a licensed seat).` };
  });
}

function guestLimitMessage(allowance: number) {
  return `Your site has reached its guest limit (${allowance} guests). Remove guests or add licensed users first.`;
}
