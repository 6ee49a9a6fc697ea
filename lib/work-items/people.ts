// Who can be picked in a work item's people fields. These mirror lib/access/policy.ts in SQL
// (siteRoleOf, jira.use, spacePermissions' browse) so a picker never offers someone the policy
// would then refuse; the unit of truth stays the policy, these only narrow the query.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { isGuest, type Viewer } from '../access/policy';

type Tx = Prisma.TransactionClient;

export type Person = { id: string; name: string; email: string };

const PERSON = { id: true, name: true, email: true } as const;
const PICKER_LIMIT = 200;

/** People who can use Jira on the site right now: active, not suspended, licensed or a guest with a space. */
export function jiraUsersWhere(siteId: string): Prisma.UserWhereInput {
  return {
    active: true,
    siteUsers: { some: { siteId, suspendedAt: null } },
    OR: [
      { siteUsers: { some: { siteId, isSiteAdmin: true } } },
      { appRoles: { some: { app: { siteId, kind: 'JIRA' }, role: { in: ['USER', 'ADMIN'] } } } },
      { appRoles: { some: { app: { siteId, kind: 'JIRA' }, role: 'GUEST' } }, guestAssignment: { some: { siteId } } },
    ],
  };
}

/** People who can browse one space: every licensed Jira user, plus the guests of that space. */
export function spaceBrowsersWhere(siteId: string, spaceId: string): Prisma.UserWhereInput {
  return {
    active: true,
    siteUsers: { some: { siteId, suspendedAt: null } },
    OR: [
      { siteUsers: { some: { siteId, isSiteAdmin: true } } },
      { appRoles: { some: { app: { siteId, kind: 'JIRA' }, role: { in: ['USER', 'ADMIN'] } } } },
      {
        appRoles: { some: { app: { siteId, kind: 'JIRA' }, role: 'GUEST' } },
        guestAssignment: { some: { siteId, spaceId } },
        memberships: { some: { spaceId, role: 'GUEST' } },
      },
    ],
  };
}

/**
 * Who the viewer may pick as assignee in a space. A guest only ever learns about the people of
 * their own space (Jira hides the site's directory from guests), although licensed non-members
 * could browse it too.
 */
function assignableWhere(viewer: Viewer, spaceId: string): Prisma.UserWhereInput {
  const browsers = spaceBrowsersWhere(viewer.site.id, spaceId);
  return isGuest(viewer) ? { AND: [browsers, { memberships: { some: { spaceId } } }] } : browsers;
}

/** The assignee picker's options. */
export async function spacePeopleFor(db: Db | Tx, viewer: Viewer, spaceId: string): Promise<Person[]> {
  return db.user.findMany({ where: assignableWhere(viewer, spaceId), select: PERSON, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: PICKER_LIMIT });
}

/** The picker's rule as a check: the person, when `userId` is one of the options. */
export async function findAssignable(db: Db | Tx, viewer: Viewer, spaceId: string, userId: string): Promise<Person | null> {
  return db.user.findFirst({ where: { AND: [{ id: userId }, assignableWhere(viewer, spaceId)] }, select: PERSON });
}
