import type { Db } from './db/client';

/**
 * The site this deployment serves. The model allows several sites per organization; a Portico
 * deployment serves one, chosen by PORTICO_SITE (its slug) or else the oldest site.
 */
export async function currentSite(db: Db) {
  const slug = process.env.PORTICO_SITE;
  const site = await db.site.findFirst({
    where: slug ? { slug } : undefined,
    orderBy: { createdAt: 'asc' },
    include: { organization: { include: { verifiedDomains: { select: { domain: true } } } } },
  });
  if (!site) throw new Error('No site exists yet: run the seed (npm start seeds an empty database).');
  return site;
}
