// The one place that decides what a viewer may do with one work item. Every read and write in
// lib/work-items goes through loadItemForViewer, so the space policy and explicit shares are
// combined identically everywhere.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { can, isGuest, spacePermissions, type Viewer } from '../access/policy';
import type { SpacePermission, SpaceRoleName } from '../access/permissions';
import { DomainError } from '../result';
import { SPACE_KEY_PATTERN, type ItemRef } from './schema';

type Tx = Prisma.TransactionClient;

export type ItemAccess = {
  /** May open the item at all. */
  view: boolean;
  /** May browse the item's space (its list, other items, its people). False for share-only access. */
  browseSpace: boolean;
  /** Access comes only from an explicit share. */
  viaShare: boolean;
  edit: boolean;
  comment: boolean;
  assign: boolean;
  transition: boolean;
  share: boolean;
};

export const NO_ACCESS: ItemAccess = Object.freeze({
  view: false,
  browseSpace: false,
  viaShare: false,
  edit: false,
  comment: false,
  assign: false,
  transition: false,
  share: false,
});

/**
 * What `viewer` may do with an item, from their role in the item's space and whether the item is
 * explicitly shared with them.
 *
 * - A share lets its recipient open and comment on that one item, nothing else of the space.
 *   It counts only for people who can use Jira at all: a guest without a space (or anyone
 *   suspended) has no Jira access, and a share must not be a way around that.
 * - Editing: `edit` for any item, `editOwn` for items the viewer reported.
 * - Sharing: licensed people who can browse the item's space. Guests never share.
 */
export function itemAccessFor(
  viewer: Viewer | null,
  item: { space: { id: string }; reporterId: string | null; viewerRole: SpaceRoleName | null; sharedWithViewer: boolean },
): ItemAccess {
  if (!viewer || !can(viewer, 'jira.use')) return NO_ACCESS;
  const space: ReadonlySet<SpacePermission> = spacePermissions(viewer, item.space, item.viewerRole);
  const browseSpace = space.has('browse');
  const viaShare = !browseSpace && item.sharedWithViewer;
  if (!browseSpace && !viaShare) return NO_ACCESS;
  const own = item.reporterId !== null && item.reporterId === viewer.userId;
  return {
    view: true,
    browseSpace,
    viaShare,
    edit: space.has('edit') || (own && space.has('editOwn')),
    comment: space.has('comment') || viaShare,
    assign: space.has('assign'),
    transition: space.has('transition'),
    share: browseSpace && !isGuest(viewer),
  };
}

const ITEM_SCOPE = {
  id: true,
  number: true,
  summary: true,
  description: true,
  status: true,
  reporterId: true,
  assigneeId: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type ItemInScope = {
  item: Prisma.WorkItemGetPayload<{ select: typeof ITEM_SCOPE }>;
  space: { id: string; key: string; name: string };
  access: ItemAccess;
};

/**
 * The item `ref` names on the viewer's own site, with what the viewer may do with it; null when
 * it doesn't exist or the viewer may not see it (the two are indistinguishable on purpose).
 */
export async function loadItemForViewer(db: Db | Tx, viewer: Viewer, ref: ItemRef): Promise<ItemInScope | null> {
  if (!SPACE_KEY_PATTERN.test(ref.spaceKey) || !Number.isSafeInteger(ref.number) || ref.number < 1) return null;
  const row = await db.workItem.findFirst({
    where: { number: ref.number, space: { siteId: viewer.site.id, key: ref.spaceKey } },
    select: {
      ...ITEM_SCOPE,
      space: { select: { id: true, key: true, name: true, memberships: { where: { userId: viewer.userId }, select: { role: true } } } },
      shares: { where: { userId: viewer.userId }, select: { id: true } },
    },
  });
  if (!row) return null;
  const { space, shares, ...item } = row;
  const access = itemAccessFor(viewer, {
    space,
    reporterId: item.reporterId,
    viewerRole: space.memberships[0]?.role ?? null,
    sharedWithViewer: shares.length > 0,
  });
  if (!access.view) return null;
  return { item, space: { id: space.id, key: space.key, name: space.name }, access };
}

export const ITEM_NOT_FOUND = "This work item doesn't exist, or you don't have access to it.";

/** For writes: the item in scope, or the same refusal whether it is missing or hidden. */
export async function requireItemForViewer(db: Db | Tx, viewer: Viewer, ref: ItemRef): Promise<ItemInScope> {
  const scoped = await loadItemForViewer(db, viewer, ref);
  if (!scoped) throw new DomainError('NOT_FOUND', ITEM_NOT_FOUND);
  return scoped;
}
