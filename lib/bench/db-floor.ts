// The database floor: the rows a screen shows, read with one raw SQL query through pg.
import pg from 'pg';
import { percentile } from './load';

export type DbFloor = { p50: number; p95: number; runs: number; rows: number };

export async function timeQuery(client: pg.Client, text: string, values: unknown[], runs: number): Promise<DbFloor> {
  let rows = 0;
  for (let i = 0; i < Math.min(10, runs); i++) rows = (await client.query(text, values)).rowCount ?? 0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await client.query(text, values);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), runs, rows };
}

// Each person's Jira role is SiteUser's trigger-kept copy of it (see the schema).
const USER_ROWS = `SELECT u."id", u."name", u."email", su."jiraRole", su."isSiteAdmin", su."suspendedAt", s."key", s."name" AS "spaceName", u."lastActiveAt", su."addedAt"
  FROM "SiteUser" su JOIN "User" u ON u."id" = su."userId"
  LEFT JOIN "GuestSpaceAssignment" g ON g."siteId" = su."siteId" AND g."userId" = su."userId"
  LEFT JOIN "Space" s ON s."id" = g."spaceId"
  WHERE su."siteId" = $1`;
const USER_ORDER = `ORDER BY su."addedAt" DESC, su."id" DESC LIMIT 51`;
const usersWhere = (extra: string) => `${USER_ROWS} AND ($2::text IS NOT NULL) ${extra} ${USER_ORDER}`;

/** Raw SQL per benchmark target; $1 = site id, $2 = Jira app id, then the target's own values. */
export const FLOOR_SQL = {
  usersFirst: usersWhere(''),
  // SiteUser's copies of the name and address (see the schema), as the screen searches them; the
  // 51 matches are picked before their accounts are read, as the screen does (joined first, as
  // the planner does it for the plain form, the floor took 19 instead of 7–8 ms for "garcia").
  usersSearch: `SELECT u."id", u."name", u."email", su."jiraRole", su."isSiteAdmin", su."suspendedAt", s."key", s."name" AS "spaceName", u."lastActiveAt", su."addedAt"
    FROM (SELECT x.* FROM "SiteUser" x WHERE x."siteId" = $1 AND ($2::text IS NOT NULL) AND (x."userName" ILIKE $3 OR x."userEmail" ILIKE $3)
          ORDER BY x."addedAt" DESC, x."id" DESC LIMIT 51) su
    JOIN "User" u ON u."id" = su."userId"
    LEFT JOIN "GuestSpaceAssignment" g ON g."siteId" = su."siteId" AND g."userId" = su."userId"
    LEFT JOIN "Space" s ON s."id" = g."spaceId"
    ORDER BY su."addedAt" DESC, su."id" DESC`,
  usersRole: usersWhere(`AND su."jiraRole" = $3::"AppRoleKind"`),
  usersNoRole: usersWhere(`AND su."jiraRole" IS NULL`),
  usersActive: usersWhere(`AND su."suspendedAt" IS NULL`),
  usersSuspended: usersWhere(`AND su."suspendedAt" IS NOT NULL`),
  usersExternal: usersWhere(`AND NOT EXISTS (SELECT 1 FROM "VerifiedDomain" vd JOIN "Site" st ON st."organizationId" = vd."organizationId" WHERE st."id" = $1 AND (u."emailDomain" = vd."domain" OR right(u."emailDomain", length(vd."domain") + 1) = '.' || vd."domain"))`),
  usersNoSpace: usersWhere(`AND su."jiraRole" = 'GUEST' AND g."userId" IS NULL`),
  usersExpiring: usersWhere(`AND su."accessExpiresAt" > now() AND su."accessExpiresAt" <= now() + interval '30 days'`),
  usersDeep: usersWhere(`AND (su."addedAt", su."id") < ($3::timestamp(3), $4::text)`),
  usersInvited: `SELECT i."id", i."email", COALESCE(ui."name", i."email") AS "name", i."role", i."expiresAt", i."createdAt"
    FROM "Invitation" i LEFT JOIN "User" ui ON ui."email" = i."email"
    WHERE i."siteId" = $1 AND ($2::text IS NOT NULL) AND i."state" = 'PENDING'
      AND NOT EXISTS (SELECT 1 FROM "SiteUser" x WHERE x."siteId" = i."siteId" AND x."userId" = ui."id")
    ORDER BY i."createdAt" DESC, i."id" DESC LIMIT 51`,
  requests: `SELECT r."id", r."email", r."note", r."createdAt", u."name", rb."name" AS "requestedBy", s."key", s."name" AS "spaceName"
    FROM "AccessRequest" r LEFT JOIN "User" u ON u."id" = r."userId" LEFT JOIN "User" rb ON rb."id" = r."requestedById" LEFT JOIN "Space" s ON s."id" = r."spaceId"
    WHERE r."siteId" = $1 AND ($2::text IS NOT NULL) AND r."state" = 'PENDING' ORDER BY r."createdAt", r."id" LIMIT 51`,
  profile: `SELECT u."id", u."name", u."email", u."lastActiveAt", su."isSiteAdmin", su."suspendedAt", su."accessExpiresAt",
      (SELECT json_agg(json_build_object('app', a."kind", 'role', ar."role")) FROM "AppRole" ar JOIN "App" a ON a."id" = ar."appId" WHERE ar."userId" = u."id" AND a."siteId" = $1) AS "roles",
      s."key", s."name" AS "spaceName"
    FROM "User" u JOIN "SiteUser" su ON su."userId" = u."id" AND su."siteId" = $1
    LEFT JOIN "GuestSpaceAssignment" g ON g."siteId" = $1 AND g."userId" = u."id" LEFT JOIN "Space" s ON s."id" = g."spaceId"
    WHERE u."id" = $3 AND ($2::text IS NOT NULL)`,
  people: `SELECT m."role", u."id", u."name", u."email", u."active", su."suspendedAt", r."role" AS "jiraRole",
      c."total", c."administrators"
    FROM "Space" sp
    CROSS JOIN LATERAL (SELECT count(*) AS "total", count(*) FILTER (WHERE "role" = 'ADMINISTRATOR') AS "administrators" FROM "SpaceMembership" WHERE "spaceId" = sp."id") AS c
    JOIN "SpaceMembership" m ON m."spaceId" = sp."id" JOIN "User" u ON u."id" = m."userId"
    LEFT JOIN "SiteUser" su ON su."siteId" = $1 AND su."userId" = u."id" LEFT JOIN "AppRole" r ON r."appId" = $2 AND r."userId" = u."id"
    WHERE sp."siteId" = $1 AND sp."key" = $3 ORDER BY u."name", u."id" LIMIT 51`,
  spacePage: `SELECT w."id", w."number", w."summary", w."status", w."updatedAt", a."name" AS "assignee"
    FROM "Space" sp JOIN "WorkItem" w ON w."spaceId" = sp."id" LEFT JOIN "User" a ON a."id" = w."assigneeId"
    WHERE sp."siteId" = $1 AND ($2::text IS NOT NULL) AND sp."key" = $3 ORDER BY w."updatedAt" DESC, w."id" DESC LIMIT 100`,
  audit: `SELECT a."id", a."createdAt", a."action", au."name", tu."name" AS "target", a."before", a."after", a."ip"
    FROM "AuditEvent" a LEFT JOIN "User" au ON au."id" = a."actorId" LEFT JOIN "User" tu ON tu."id" = a."targetUserId"
    WHERE a."siteId" = $1 AND ($2::text IS NOT NULL) AND ($3::text IS NULL OR a."action" = $3)
      AND ($4::timestamp(3) IS NULL OR a."createdAt" >= $4) AND ($5::timestamp(3) IS NULL OR a."createdAt" < $5)
    ORDER BY a."createdAt" DESC, a."id" DESC LIMIT 51`,
  auditActor: `SELECT a."id", a."createdAt", a."action", au."name", tu."name" AS "target", a."before", a."after", a."ip"
    FROM "AuditEvent" a LEFT JOIN "User" au ON au."id" = a."actorId" LEFT JOIN "User" tu ON tu."id" = a."targetUserId"
    WHERE a."siteId" = $1 AND ($2::text IS NOT NULL) AND a."actorId" = $3
    ORDER BY a."createdAt" DESC, a."id" DESC LIMIT 51`,
  framework: `SELECT $1::text AS "site", $2::text AS "app"`,
} as const;

export type FloorKey = keyof typeof FLOOR_SQL;
