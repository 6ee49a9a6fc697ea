// Project roles and their actors: GET /rest/api/3/project/{key}/role, GET/POST/DELETE
// /rest/api/3/project/{key}/role/{id}. The four space roles are Jira's project roles. Reading and
// changing actors needs 'administer' in the space, as Jira needs Administer Projects; every change
// goes through lib/spaces/people.ts (addAccountToSpace, changeSpaceRole, removeFromSpace), so the one-space
// rule, the guest rules and the last-Administrator rule hold exactly as on the People page.
import { z } from 'zod';
import { addAccountToSpace, changeSpaceRole, removeFromSpace } from '../spaces/people';
import type { SpaceRoleName } from '../access/permissions';
import { MAX_PEOPLE_PER_ADD } from '../spaces/people.schema';
import type { SpaceForViewer } from '../spaces/queries';
import { DomainError } from '../result';
import { badRequest, forbidden, invalidBody, jsonResponse, MESSAGES, noContent, notFound } from './errors';
import { readJsonBody, type RestContext } from './handler';
import { resolveProject } from './projects';
import { PROJECT_ROLES, projectRoleById, projectRoleJson, roleUrl, type ProjectRoleDef } from './shapes';

async function administeredProject(context: RestContext, idOrKey: string): Promise<SpaceForViewer> {
  const space = await resolveProject(context, idOrKey);
  if (!space.permissions.has('administer')) throw forbidden(MESSAGES.cannotAdminister);
  return space;
}

function roleOrNotFound(id: string): ProjectRoleDef {
  const role = projectRoleById(id);
  if (!role) throw notFound(`No project role exists with id '${id.slice(0, 40)}'.`);
  return role;
}

const notOnSite = (accountId: string) => `The user with account ID '${accountId}' isn't on this site. A site admin must invite them first.`;

/** The role with its actors right now, sorted by display name. */
async function roleResponseBody(context: RestContext, space: SpaceForViewer, role: ProjectRoleDef, excludeInactive = false) {
  const siteId = context.viewer.site.id;
  // One join (a big space's role holds thousands of people): Prisma's relation load would read
  // the memberships, then their users by a list of ids, then stitch them in JavaScript.
  const members = await context.db.$queryRaw<{ membershipId: string; userId: string; name: string }[]>`
    SELECT m."id" AS "membershipId", m."userId", u."name"
    FROM "SpaceMembership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."spaceId" = ${space.id} AND m."role"::text = ${role.role}
      AND (${!excludeInactive} OR (u."active" AND EXISTS (
        SELECT 1 FROM "SiteUser" su WHERE su."siteId" = ${siteId} AND su."userId" = u."id" AND su."suspendedAt" IS NULL)))
    -- Nearly the English collation projectRoleJson sorts by, at no cost to the database: that sort
    -- stays the judge, and on rows already in order it takes a few comparisons instead of ~50,000.
    ORDER BY lower(u."name") COLLATE "C", m."userId" COLLATE "C"`;
  return projectRoleJson(space, role, members);
}

export async function listProjectRoles(context: RestContext, idOrKey: string): Promise<Response> {
  const space = await administeredProject(context, idOrKey);
  return jsonResponse(Object.fromEntries(PROJECT_ROLES.map((role) => [role.name, roleUrl(space.key, role.id)])));
}

export async function getProjectRole(context: RestContext, idOrKey: string, roleId: string): Promise<Response> {
  const space = await administeredProject(context, idOrKey);
  const role = roleOrNotFound(roleId);
  const excludeInactive = context.url.searchParams.get('excludeInactiveUsers') === 'true';
  return jsonResponse(await roleResponseBody(context, space, role, excludeInactive));
}

const AccountIds = z.array(z.string().trim().min(1).max(128), { error: 'user must be a list of account IDs.' });
const AddActorsBody = z.object(
  {
    user: AccountIds.max(MAX_PEOPLE_PER_ADD, `Add up to ${MAX_PEOPLE_PER_ADD} users at a time.`).optional(),
    group: z.array(z.string()).optional(),
    groupId: z.array(z.string()).optional(),
  },
  { error: MESSAGES.invalidPayload },
);

/**
 * POST {"user": [accountId, …]}: each person gets this role in the space. Someone not in the space
 * is added (addPeople); someone already in it with another role has their role changed
 * (changeSpaceRole), since a person holds one role per space. Each person is handled on their own,
 * as on the People page: when any is refused, the answer is a 400 naming every refusal.
 */
export async function addRoleActors(context: RestContext, idOrKey: string, roleId: string): Promise<Response> {
  const space = await administeredProject(context, idOrKey);
  const role = roleOrNotFound(roleId);
  const parsed = AddActorsBody.safeParse(await readJsonBody(context.request));
  if (!parsed.success) throw invalidBody(parsed.error.issues, MESSAGES.invalidPayload);
  if (parsed.data.group?.length || parsed.data.groupId?.length) throw badRequest('Portico has no groups. Add people by account ID with "user".');
  const accountIds = [...new Set(parsed.data.user ?? [])];
  if (accountIds.length === 0) throw badRequest('Add at least one user: {"user": ["<accountId>"]}.');

  const siteId = context.viewer.site.id;
  // The named accounts on this site, each with their role in this space (if any), in one statement.
  const people = await context.db.$queryRaw<{ id: string; email: string; name: string; active: boolean; current: SpaceRoleName | null }[]>`
    SELECT u."id", u."email", u."name", u."active", m."role"::text AS "current"
    FROM "User" u
    JOIN "SiteUser" su ON su."siteId" = ${siteId} AND su."userId" = u."id"
    LEFT JOIN "SpaceMembership" m ON m."spaceId" = ${space.id} AND m."userId" = u."id"
    WHERE u."id" = ANY(${accountIds}::text[])`;
  const byId = new Map(people.map((p) => [p.id, p]));
  const missing = accountIds.filter((id) => !byId.has(id));
  if (missing.length) throw badRequest(...missing.map(notOnSite));

  const refusals: string[] = [];
  for (const accountId of accountIds) {
    const person = byId.get(accountId)!;
    const current = person.current;
    if (current === role.role) continue;
    if (current) {
      try {
        await changeSpaceRole(context.db, context.viewer, space.key, { userId: person.id, role: role.role }, context.audit);
      } catch (error) {
        if (error instanceof DomainError && error.code !== 'INTERNAL') refusals.push(error.message);
        else throw error;
      }
      continue;
    }
    const result = await addAccountToSpace(context.db, context.viewer, space, person, role.role, context.audit);
    if (result.outcome === 'NOT_ON_SITE') refusals.push(notOnSite(accountId));
    else if (result.outcome === 'REFUSED') refusals.push(result.message);
  }
  if (refusals.length) throw badRequest(...refusals);
  return jsonResponse(await roleResponseBody(context, space, role));
}

/** DELETE ?user=accountId: takes the person out of the space (removeFromSpace); 204. */
export async function deleteRoleActor(context: RestContext, idOrKey: string, roleId: string): Promise<Response> {
  const space = await administeredProject(context, idOrKey);
  const role = roleOrNotFound(roleId);
  const params = context.url.searchParams;
  if (params.has('group') || params.has('groupId')) throw badRequest('Portico has no groups. Remove people by account ID with "user".');
  const accountId = (params.get('user') ?? '').trim();
  if (!accountId) throw badRequest('Name the user to remove: ?user=<accountId>.');
  const membership =
    accountId.length <= 128
      ? await context.db.spaceMembership.findUnique({ where: { spaceId_userId: { spaceId: space.id, userId: accountId } }, select: { role: true } })
      : null;
  if (membership?.role !== role.role) {
    throw notFound(`The user with account ID '${accountId.slice(0, 128)}' doesn't have the ${role.name} role in ${space.name}.`);
  }
  await removeFromSpace(context.db, context.viewer, space.key, { userId: accountId }, context.audit);
  return noContent();
}
