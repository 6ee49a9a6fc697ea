// Writes to work items. Each command validates its input, resolves the item on the viewer's own
// site inside its transaction (requireItemForViewer) and asks the item's access before changing
// anything, so ids coming from a browser never choose what is in scope.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { isGuest, spacePermissions, type Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { DomainError } from '../result';
import { requireItemForViewer } from './access';
import { findAssignable, jiraUsersWhere } from './people';
import {
  AssignInput,
  CommentInput,
  CreateWorkItemInput,
  itemKey,
  parseInput,
  ShareInput,
  TransitionInput,
  UpdateWorkItemInput,
} from './schema';

type Tx = Prisma.TransactionClient;

export type CreatedWorkItem = { id: string; key: string; number: number };

const NOT_IN_SPACE = "You don't have access to this space, or it doesn't exist.";

async function requireAssignable(tx: Tx, viewer: Viewer, spaceId: string, userId: string) {
  const person = await findAssignable(tx, viewer, spaceId, userId);
  if (!person) {
    throw new DomainError('INVALID_INPUT', "That person can't be assigned work in this space.", { assigneeId: "Choose someone who can see this space." });
  }
  return person;
}

/**
 * Creates a work item in a space the viewer may create in. Its number comes from the space's
 * counter, claimed with UPDATE … RETURNING in the same transaction: the row lock serializes
 * concurrent creates, so two items never share a number and a rolled-back create leaves no gap.
 */
export async function createWorkItem(db: Db, viewer: Viewer, raw: CreateWorkItemInput): Promise<CreatedWorkItem> {
  const input = parseInput(CreateWorkItemInput, raw);
  return db.$transaction(async (tx) => {
    const space = await tx.space.findUnique({
      where: { siteId_key: { siteId: viewer.site.id, key: input.spaceKey } },
      select: { id: true, key: true, memberships: { where: { userId: viewer.userId }, select: { role: true } } },
    });
    const permissions = space ? spacePermissions(viewer, space, space.memberships[0]?.role ?? null) : new Set();
    if (!space || !permissions.has('browse')) throw new DomainError('NOT_FOUND', NOT_IN_SPACE);
    if (!permissions.has('create')) throw new DomainError('FORBIDDEN', "You can't create work items in this space.");
    if (input.assigneeId) {
      // Jira hides the Assignee field at create from people without Assign permission.
      if (!permissions.has('assign')) throw new DomainError('FORBIDDEN', "You can't assign work items in this space, so leave Assignee empty.");
      await requireAssignable(tx, viewer, space.id, input.assigneeId);
    }
    const [claimed] = await tx.$queryRaw<{ number: number }[]>`
      UPDATE "Space" SET "nextItemNumber" = "nextItemNumber" + 1
      WHERE "id" = ${space.id}
      RETURNING "nextItemNumber" - 1 AS "number"`;
    if (!claimed) throw new DomainError('NOT_FOUND', NOT_IN_SPACE);
    const item = await tx.workItem.create({
      data: {
        spaceId: space.id,
        number: claimed.number,
        summary: input.summary,
        description: input.description,
        reporterId: viewer.userId,
        assigneeId: input.assigneeId,
      },
      select: { id: true, number: true },
    });
    return { id: item.id, number: item.number, key: itemKey(space.key, item.number) };
  });
}

/** Edits the summary and/or description: `edit` for any item, `editOwn` for items you reported. */
export async function updateWorkItem(db: Db, viewer: Viewer, raw: UpdateWorkItemInput) {
  const input = parseInput(UpdateWorkItemInput, raw);
  return db.$transaction(async (tx) => {
    const { item, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.edit) {
      throw new DomainError(
        'FORBIDDEN',
        isGuest(viewer) ? 'Guests can only edit work items they created.' : "You don't have permission to edit this work item.",
      );
    }
    return tx.workItem.update({
      where: { id: item.id },
      data: { summary: input.summary, description: input.description },
      select: { summary: true, description: true, updatedAt: true },
    });
  });
}

/** Moves the item to another status (Jira's transition); needs `transition` in the item's space. */
export async function transitionWorkItem(db: Db, viewer: Viewer, raw: TransitionInput) {
  const input = parseInput(TransitionInput, raw);
  return db.$transaction(async (tx) => {
    const { item, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.transition) throw new DomainError('FORBIDDEN', "You don't have permission to change the status of this work item.");
    if (item.status === input.status) return { status: item.status };
    return tx.workItem.update({ where: { id: item.id }, data: { status: input.status }, select: { status: true } });
  });
}

/** Sets or clears the assignee; needs `assign`, and the assignee must be able to browse the space. */
export async function assignWorkItem(db: Db, viewer: Viewer, raw: AssignInput) {
  const input = parseInput(AssignInput, raw);
  return db.$transaction(async (tx) => {
    const { item, space, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.assign) throw new DomainError('FORBIDDEN', "You don't have permission to assign this work item.");
    const assignee = input.assigneeId ? await requireAssignable(tx, viewer, space.id, input.assigneeId) : null;
    if (item.assigneeId === (assignee?.id ?? null)) return { assignee: assignee && { id: assignee.id, name: assignee.name } };
    await tx.workItem.update({ where: { id: item.id }, data: { assigneeId: assignee?.id ?? null } });
    return { assignee: assignee && { id: assignee.id, name: assignee.name } };
  });
}

/** Adds a comment; the item counts as updated, as in Jira. */
export async function addComment(db: Db, viewer: Viewer, raw: CommentInput) {
  const input = parseInput(CommentInput, raw);
  return db.$transaction(async (tx) => {
    const { item, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.comment) throw new DomainError('FORBIDDEN', "You don't have permission to comment on this work item.");
    const comment = await tx.comment.create({
      data: { workItemId: item.id, authorId: viewer.userId, body: input.body },
      select: { id: true, body: true, createdAt: true },
    });
    await tx.workItem.update({ where: { id: item.id }, data: { updatedAt: comment.createdAt } });
    return comment;
  });
}

/**
 * Explicitly shares the item with one person on the site. Only licensed people who can browse the
 * item share; the recipient must be able to use Jira, because the access check ignores shares for
 * anyone who can't (a guest without a space would get nothing, so the share is refused up front).
 * Audited: a share can expose an item to someone outside its space.
 */
export async function shareWorkItem(db: Db, viewer: Viewer, raw: ShareInput, audit: AuditContext) {
  const input = parseInput(ShareInput, raw);
  return db.$transaction(async (tx) => {
    const { item, space, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.share) {
      throw new DomainError('FORBIDDEN', isGuest(viewer) ? "Guests can't share work items." : "You don't have permission to share this work item.");
    }
    if (input.userId === viewer.userId) throw new DomainError('INVALID_INPUT', 'You can already see this work item.', { userId: 'Choose someone else.' });
    const onSite = await tx.user.findFirst({
      where: { id: input.userId, siteUsers: { some: { siteId: viewer.site.id } } },
      select: { id: true, name: true },
    });
    if (!onSite) throw new DomainError('NOT_FOUND', "That person isn't on this site.", { userId: 'Choose someone on this site.' });
    const canUseJira = await tx.user.count({ where: { AND: [{ id: onSite.id }, jiraUsersWhere(viewer.site.id)] } });
    if (!canUseJira) {
      throw new DomainError('REFUSED', `${onSite.name} can't use Jira on ${viewer.site.name} (a guest needs a space first), so sharing wouldn't give them access.`);
    }
    const existing = await tx.workItemShare.findUnique({ where: { workItemId_userId: { workItemId: item.id, userId: onSite.id } }, select: { id: true } });
    if (existing) return { sharedWith: onSite, created: false };
    await tx.workItemShare.create({ data: { workItemId: item.id, userId: onSite.id, sharedById: viewer.userId } });
    await writeAudit(tx, audit, {
      action: 'workitem.shared',
      targetType: 'workItem',
      targetId: item.id,
      targetUserId: onSite.id,
      after: { item: itemKey(space.key, item.number) },
    });
    return { sharedWith: onSite, created: true };
  });
}

/** Removes an explicit share; the person loses the item on their next request. Idempotent. */
export async function unshareWorkItem(db: Db, viewer: Viewer, raw: ShareInput, audit: AuditContext) {
  const input = parseInput(ShareInput, raw);
  return db.$transaction(async (tx) => {
    const { item, space, access } = await requireItemForViewer(tx, viewer, input);
    if (!access.share) {
      throw new DomainError('FORBIDDEN', isGuest(viewer) ? "Guests can't share work items." : "You don't have permission to share this work item.");
    }
    const { count } = await tx.workItemShare.deleteMany({ where: { workItemId: item.id, userId: input.userId } });
    if (count > 0) {
      await writeAudit(tx, audit, {
        action: 'workitem.unshared',
        targetType: 'workItem',
        targetId: item.id,
        targetUserId: input.userId,
        before: { item: itemKey(space.key, item.number) },
      });
    }
    return { removed: count > 0 };
  });
}
