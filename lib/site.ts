import type { Db } from './db/client';
import type { Plan } from './db/generated/client';

export type CurrentSite = {
  id: string;
  name: string;
  slug: string;
  organizationId: string;
  plan: Plan;
  /** The organization's verified domains, sorted: everyone else is external. */
  verifiedDomains: string[];
};

/**
 * The site this deployment serves. The model allows several sites per organization; a Portico
 * deployment serves one, chosen by PORTICO_SITE (its slug) or else the oldest site. One statement:
 * every request reads it (lib/access/viewer.ts), and Prisma's include would take three.
 */
export async function currentSite(db: Db): Promise<CurrentSite> {
  const slug = process.env.PORTICO_SITE ?? null;
  const rows = await db.$queryRaw<(Omit<CurrentSite, 'plan'> & { plan: string })[]>`
    SELECT s."id", s."name", s."slug", s."organizationId", o."plan"::text AS "plan",
      ARRAY(SELECT vd."domain" FROM "VerifiedDomain" vd WHERE vd."organizationId" = o."id" ORDER BY vd."domain") AS "verifiedDomains"
    FROM "Site" s JOIN "Organization" o ON o."id" = s."organizationId"
    WHERE (${slug}::text IS NULL OR s."slug" = ${slug}::text)
    ORDER BY s."createdAt" ASC, s."id" ASC
    LIMIT 1`;
  const site = rows[0];
  if (!site) throw new Error('No site exists yet: run the seed (npm start seeds an empty database).');
  return { ...site, plan: site.plan as Plan };
}
