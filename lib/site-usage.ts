import type { Db } from './db/client';
import { Prisma } from './db/generated/client';

type Reader = Db | Prisma.TransactionClient;

export type SiteUsage = {
  /** What billing counts: people with a licensed Jira role (User or Admin) whose access is not suspended. */
  licensedSeats: number;
  guests: number;
  pendingGuestInvitations: number;
  /** Guests allowed: the organization's guests-per-licensed-user ratio × licensed seats. */
  guestAllowance: number;
};

/**
 * One statement, whatever the size of the site: the seat figures come from "SiteSeatCounter"
 * (kept exact by triggers on AppRole and SiteUser, in the same transaction as each change: see
 * the site_seat_counter migration), and pending guest invitations are an index-only range count
 * on (siteId, role, state, expiresAt). A site without a counter row yet has no seats.
 */
export function siteUsageSql(siteId: string, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT o."guestsPerLicensedUser" AS "ratio",
      COALESCE(c."licensedSeats", 0) AS "licensed",
      COALESCE(c."guests", 0) AS "guests",
      (SELECT count(*) FROM "Invitation" i
       WHERE i."siteId" = s."id" AND i."role" = 'GUEST' AND i."state" = 'PENDING' AND i."expiresAt" > ${now}) AS "pending"
    FROM "Site" s
    JOIN "Organization" o ON o."id" = s."organizationId"
    LEFT JOIN "SiteSeatCounter" c ON c."siteId" = s."id"
    WHERE s."id" = ${siteId}`;
}

/** A row of siteUsageSql. */
export type SiteUsageRow = { ratio: number; licensed: number; guests: number; pending: bigint };

export async function siteUsage(db: Reader, siteId: string, now = new Date()): Promise<SiteUsage> {
  const rows = await db.$queryRaw<SiteUsageRow[]>(siteUsageSql(siteId, now));
  if (!rows.length) throw new Error(`No site ${siteId}.`);
  return siteUsageOf(rows[0]);
}

export function siteUsageOf(row: SiteUsageRow): SiteUsage {
  const licensedSeats = Number(row.licensed);
  return {
    licensedSeats,
    guests: Number(row.guests),
    pendingGuestInvitations: Number(row.pending),
    guestAllowance: licensedSeats * row.ratio,
  };
}
