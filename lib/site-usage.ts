import type { Db } from './db/client';
import type { Prisma } from './db/generated/client';

type Reader = Db | Prisma.TransactionClient;

export type SiteUsage = {
  /** What billing counts: people with a licensed Jira role (User or Admin) whose access is not suspended. */
  licensedSeats: number;
  guests: number;
  pendingGuestInvitations: number;
  /** Guests allowed: the organization's guests-per-licensed-user ratio × licensed seats. */
  guestAllowance: number;
};

export async function siteUsage(db: Reader, siteId: string, now = new Date()): Promise<SiteUsage> {
  const site = await db.site.findUniqueOrThrow({ where: { id: siteId }, select: { organization: { select: { guestsPerLicensedUser: true } } } });
  const rows = await db.$queryRaw<{ licensed: bigint; guests: bigint; pending: bigint }[]>`
    SELECT
      (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
         JOIN "SiteUser" su ON su."userId" = r."userId" AND su."siteId" = a."siteId"
       WHERE a."siteId" = ${siteId} AND a."kind" = 'JIRA' AND r."role" IN ('USER', 'ADMIN') AND su."suspendedAt" IS NULL) AS licensed,
      (SELECT count(*) FROM "AppRole" r JOIN "App" a ON a."id" = r."appId"
       WHERE a."siteId" = ${siteId} AND a."kind" = 'JIRA' AND r."role" = 'GUEST') AS guests,
      (SELECT count(*) FROM "Invitation" i
       WHERE i."siteId" = ${siteId} AND i."state" = 'PENDING' AND i."role" = 'GUEST' AND i."expiresAt" > ${now}) AS pending`;
  const licensedSeats = Number(rows[0].licensed);
  return {
    licensedSeats,
    guests: Number(rows[0].guests),
    pendingGuestInvitations: Number(rows[0].pending),
    guestAllowance: licensedSeats * site.organization.guestsPerLicensedUser,
  };
}
