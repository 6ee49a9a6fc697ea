// GET /rest/api/3/myself and GET /rest/api/3/user/search: people as Jira users. Search only ever
// returns people the caller may see: licensed people see everyone on the site who can use Jira,
// a guest sees the people of their own space, anyone without Jira access sees nobody. Suspended and
// deactivated people are never returned.
import type { Prisma } from '../db/generated/client';
import { can, type Viewer } from '../access/policy';
import { badRequest, jsonResponse } from './errors';
import { intParam, type RestContext } from './handler';
import { userJson, userSelect } from './shapes';

const MAX_USER_RESULTS = 100;
const DEFAULT_USER_RESULTS = 50;
const MAX_QUERY = 100;

// PostgreSQL text cannot hold NUL, and no name or email has control characters.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
// Prisma passes contains/startsWith values into LIKE as they are; '%' and '_' must not match everyone.
const likeLiteral = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function myself(context: RestContext): Promise<Response> {
  const user = await context.db.user.findUniqueOrThrow({ where: { id: context.viewer.userId }, select: userSelect(context.viewer.site.id) });
  return jsonResponse(userJson(context.viewer, user));
}

/** Whom the viewer may find at all; null = nobody. */
function visiblePeopleWhere(viewer: Viewer): Prisma.UserWhereInput | null {
  if (!can(viewer, 'jira.use')) return null;
  const siteId = viewer.site.id;
  const usable: Prisma.UserWhereInput = {
    active: true,
    siteUsers: { some: { siteId, suspendedAt: null } },
    appRoles: { some: { app: { siteId, kind: 'JIRA' } } },
  };
  if (can(viewer, 'people.seeEveryone')) return usable;
  // A guest: only the people of their own space (Jira hides the site's directory from guests).
  if (!viewer.guestSpace) return null;
  return { AND: [usable, { memberships: { some: { spaceId: viewer.guestSpace.id } } }] };
}

export async function searchUsers(context: RestContext): Promise<Response> {
  const { url, viewer } = context;
  const startAt = intParam(url, 'startAt', 0, { min: 0, max: 1_000_000 });
  const maxResults = intParam(url, 'maxResults', DEFAULT_USER_RESULTS, { min: 1, max: MAX_USER_RESULTS });
  const query = (url.searchParams.get('query') ?? url.searchParams.get('username') ?? '')
    .normalize('NFKC')
    .replace(CONTROL_CHARACTERS, ' ')
    .trim()
    .slice(0, MAX_QUERY);
  const accountId = (url.searchParams.get('accountId') ?? '').trim().slice(0, 128);
  if (!query && !accountId) throw badRequest("One of 'query' or 'accountId' must be specified.");

  const visible = visiblePeopleWhere(viewer);
  if (!visible) return jsonResponse([]);
  const pattern = likeLiteral(query);
  // Matching an address the caller may not read would let them test guesses, so a guest matches names only.
  const emailsVisible = can(viewer, 'people.seeEveryone');
  const matches: Prisma.UserWhereInput[] = query
    ? [
        {
          OR: [
            { name: { contains: pattern, mode: 'insensitive' } },
            ...(emailsVisible ? [{ email: { startsWith: pattern, mode: 'insensitive' as const } }] : []),
            // Guests can still find themselves by their own address.
            ...(!emailsVisible ? [{ id: viewer.userId, email: { startsWith: pattern, mode: 'insensitive' as const } }] : []),
          ],
        },
      ]
    : [];
  const users = await context.db.user.findMany({
    where: { AND: [visible, ...matches, ...(accountId ? [{ id: accountId }] : [])] },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    skip: startAt,
    take: maxResults,
    select: userSelect(viewer.site.id),
  });
  return jsonResponse(users.map((user) => userJson(viewer, user)));
}
