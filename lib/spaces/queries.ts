import type { Db } from '../db/client';
import { can, spacePermissions, type Viewer } from '../access/policy';
import type { SpacePermission, SpaceRoleName } from '../access/permissions';

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
  const space = await db.space.findUnique({
    where: { siteId_key: { siteId: viewer.site.id, key } },
    select: { id: true, key: true, name: true, memberships: { where: { userId: viewer.userId }, select: { role: true } } },
  });
  if (!space) return null;
  const membershipRole = space.memberships[0]?.role ?? null;
  const permissions = spacePermissions(viewer, space, membershipRole);
  if (!permissions.has('browse')) return null;
  return { id: space.id, key: space.key, name: space.name, membershipRole, permissions };
}

export async function listWorkItems(db: Db, space: SpaceForViewer) {
  if (!space.permissions.has('browse')) return [];
  const items = await db.workItem.findMany({
    where: { spaceId: space.id },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: 100,
    select: { id: true, number: true, summary: true, status: true, updatedAt: true, assignee: { select: { name: true } } },
  });
  return items.map((item) => ({ ...item, key: `${space.key}-${item.number}` }));
}

// Declared with the work-item inputs so client components can use the labels without the policy.
export { STATUS_LABELS } from '../work-items/schema';
