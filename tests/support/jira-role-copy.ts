import type { Db } from '@/lib/db/client';

/**
 * SiteUser rows of a site whose trigger-kept "jiraRole" differs from their role on the site's Jira
 * app (AppRole): [] when every copy is exact.
 */
export async function jiraRoleCopyDrift(db: Db, siteId: string) {
  return db.$queryRaw<{ userId: string; copied: string | null; role: string | null }[]>`
    SELECT su."userId", su."jiraRole"::text AS "copied", r."role"::text AS "role"
    FROM "SiteUser" su
    LEFT JOIN "App" a ON a."siteId" = su."siteId" AND a."kind" = 'JIRA'
    LEFT JOIN "AppRole" r ON r."appId" = a."id" AND r."userId" = su."userId"
    WHERE su."siteId" = ${siteId} AND su."jiraRole" IS DISTINCT FROM r."role"
    ORDER BY su."userId"
    LIMIT 20`;
}
