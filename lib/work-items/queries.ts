// Reads for the work item page, the Create page and the Share dialog. Each one asks
// loadItemForViewer / findSpaceForViewer first, so a page can't show what the policy hides.
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { findSpaceForViewer } from '../spaces/queries';
import { DomainError } from '../result';
import { loadItemForViewer, requireItemForViewer, type ItemAccess } from './access';
import { jiraUsersWhere, spacePeopleFor, type Person } from './people';
import { itemKey, parseInput, ShareSearchInput, type ItemRef, type WorkItemStatusName } from './schema';

type NamedPerson = { id: string; name: string };

export type WorkItemView = {
  id: string;
  key: string;
  number: number;
  summary: string;
  description: string;
  status: WorkItemStatusName;
  createdAt: Date;
  updatedAt: Date;
  /** The space's name only when the viewer may browse the space; a share reveals the key alone. */
  space: { key: string; name: string | null };
  reporter: NamedPerson | null;
  assignee: NamedPerson | null;
  comments: { id: string; body: string; createdAt: Date; author: NamedPerson | null }[];
  access: ItemAccess;
};

/**
 * One work item as its page shows it, or null when it doesn't exist or the viewer may not see it.
 * People appear by name only: the item's page never carries anyone's email address.
 */
export async function getWorkItem(db: Db, viewer: Viewer, ref: ItemRef): Promise<WorkItemView | null> {
  const scoped = await loadItemForViewer(db, viewer, ref);
  if (!scoped) return null;
  const { item, space, access } = scoped;
  const person = { select: { id: true, name: true } } as const;
  const [details, comments] = await Promise.all([
    db.workItem.findUniqueOrThrow({ where: { id: item.id }, select: { reporter: person, assignee: person } }),
    db.comment.findMany({
      where: { workItemId: item.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, body: true, createdAt: true, author: person },
    }),
  ]);
  return {
    id: item.id,
    key: itemKey(space.key, item.number),
    number: item.number,
    summary: item.summary,
    description: item.description,
    status: item.status,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    space: { key: space.key, name: access.browseSpace ? space.name : null },
    reporter: details.reporter,
    assignee: details.assignee,
    comments,
    access,
  };
}

/**
 * The assignee picker for a space the viewer can browse: everyone who can browse it, except that
 * a guest only gets the people of their own space. Empty when the viewer can't browse the space.
 */
export async function assignablePeople(db: Db, viewer: Viewer, spaceKey: string): Promise<Person[]> {
  const space = await findSpaceForViewer(db, viewer, spaceKey);
  if (!space) return [];
  return spacePeopleFor(db, viewer, space.id);
}

/** Who the item is explicitly shared with; only for people who may share it (licensed, browsing). */
export async function listShares(db: Db, viewer: Viewer, ref: ItemRef) {
  const scoped = await loadItemForViewer(db, viewer, ref);
  if (!scoped?.access.share) return [];
  const shares = await db.workItemShare.findMany({
    where: { workItemId: scoped.item.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { createdAt: true, user: { select: { id: true, name: true, email: true } }, sharedBy: { select: { name: true } } },
  });
  return shares.map((s) => ({ ...s.user, sharedAt: s.createdAt, sharedBy: s.sharedBy?.name ?? null }));
}

const CANDIDATE_LIMIT = 10;

/**
 * The Share dialog's search: people on the site who can use Jira, by name or email, excluding the
 * viewer and those the item is already shared with. Refused to anyone who may not share.
 */
export async function shareCandidates(db: Db, viewer: Viewer, raw: ShareSearchInput): Promise<Person[]> {
  const input = parseInput(ShareSearchInput, raw);
  const scoped = await requireItemForViewer(db, viewer, input);
  if (!scoped.access.share) throw new DomainError('FORBIDDEN', "You can't share this work item.");
  const q = input.query;
  return db.user.findMany({
    where: {
      AND: [
        jiraUsersWhere(viewer.site.id),
        { id: { not: viewer.userId } },
        { sharesReceived: { none: { workItemId: scoped.item.id } } },
        q ? { OR: [{ name: { contains: q, mode: 'insensitive' } }, { email: { contains: q, mode: 'insensitive' } }] } : {},
      ],
    },
    select: { id: true, name: true, email: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: CANDIDATE_LIMIT,
  });
}
