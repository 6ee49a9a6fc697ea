import type { Db } from '@/lib/db/client';

/**
 * Invitations whose trigger-kept "listName" differs from what it copies (the name of the account
 * with the invitation's address, else the address): [] when every copy is exact.
 */
export async function invitationListNameDrift(db: Db) {
  return db.$queryRaw<{ id: string; copied: string; expected: string }[]>`
    SELECT i."id", i."listName" AS "copied", COALESCE(u."name", i."email") AS "expected"
    FROM "Invitation" i LEFT JOIN "User" u ON u."email" = i."email"
    WHERE i."listName" IS DISTINCT FROM COALESCE(u."name", i."email")
    ORDER BY i."id"
    LIMIT 20`;
}
