import type { Db } from '../db/client';
import { can, spacePermissions, type Viewer } from '../access/policy';
import type { SpacePermission, SpaceRoleName } from '../access/permissions';
import type { WorkItemStatus } from '../db/generated/client';

/** Spaces the viewer can see on their site (guests: only their own). */
export async function listVisibleSpaces(db: Db, viewer: Viewer) {
  if (!can(viewer, 'jira.use')) return [];
  const where = can(viewer, 'spaces.browseAll')
    ? { siteId: viewer.site.id }
    : viewer.guestSpace
      ? { siteId: viewer.site.id, id: viewer.guestSpace.id }
      : null;
  if (!where) return [];
  return db.space.findMany({
    where,
    orderBy: { name: 'asc' },
    select: { id: true, key: true, name: true, lead: { select: { name: true } } },
  });
}

export type SpaceForViewer = {
  id: string;
  key: string;
  name: string;
  membershipRole: SpaceRoleName | null;
  permissions: ReadonlySet<SpacePermission>;
};

/**
 * A space by key when the viewer may browse it; null otherwise, so that "forbidden" and
 * "not found" look the same.
 */
export async function findSpaceForViewer(db: Db, viewer: Viewer, key: string): Promise<SpaceForViewer | null> {
  if (!/^[A-Z][A-Z0-9]{1,9}$/.test(key)) return null;
  // One statement (Prisma's relation select took two): every space page and its layout start here.
  const [space] = await db.$queryRaw<{ id: string; key: string; name: string; membershipRole: SpaceRoleName | null }[]>`
    SELECT s."id", s."key", s."name", m."role"::text AS "membershipRole"
    FROM "Space" s LEFT JOIN "SpaceMembership" m ON m."spaceId" = s."id" AND m."userId" = ${viewer.userId}
    WHERE s."siteId" = ${viewer.site.id} AND s."key" = ${key}`;
  if (!space) return null;
  const permissions = spacePermissions(viewer, space, space.membershipRole);
  if (!permissions.has('browse')) return null;
  return { id: space.id, key: space.key, name: space.name, membershipRole: space.membershipRole, permissions };
}

export async function listWorkItems(db: Db, space: SpaceForViewer) {
  if (!space.permissions.has('browse')) return [];
  const items = await db.$queryRaw<{ id: string; number: number; summary: string; status: WorkItemStatus; updatedAt: Date; assigneeName: string | null }[]>`
    SELECT w."id", w."number", w."summary", w."status"::text AS "status", w."updatedAt",
      -- A key probe per item shown (a join would let the planner hash every user).
      (SELECT a."name" FROM "User" a WHERE a."id" = w."assigneeId") AS "assigneeName"
    FROM "WorkItem" w
    WHERE w."spaceId" = ${space.id}
    ORDER BY w."updatedAt" DESC, w."id" DESC
    LIMIT 100`;
  return items.map(({ assigneeName, ...item }) => ({ ...item, assignee: assigneeName === null ? null : { name: assigneeName }, key: `${space.key}-${item.number}` }));
}

// Declared with the work-item inputs so client components can use the labels without the policy.
export { STATUS_LABELS } from '../work-items/schema';
