import type { Db } from '@/lib/db/client';

/**
 * Site memberships whose trigger-kept copies of the account's name and address ("userName",
 * "userEmail") differ from the account: [] when every copy is exact.
 */
export async function siteUserAccountCopyDrift(db: Db) {
  return db.$queryRaw<{ id: string; userName: string; name: string; userEmail: string; email: string }[]>`
    SELECT su."id", su."userName", u."name", su."userEmail", u."email"
    FROM "SiteUser" su JOIN "User" u ON u."id" = su."userId"
    WHERE su."userName" IS DISTINCT FROM u."name" OR su."userEmail" IS DISTINCT FROM u."email"
    ORDER BY su."id"
    LIMIT 20`;
}
