// The organization admin API's user endpoints. Each one is the Settings screens' own lib/ function,
// called as the key's creator: Invite users (grantAccess: external-only guests, plan, guest
// allowance), the Users list (listSiteUsers), Roles (changeJiraRole), Suspend / Restore access and
// Remove access (lib/users/manage.ts). Their refusals come back as 400 with their own message.
import { z } from 'zod';
import { grantAccess, type GrantRow } from '../invitations/grant';
import { MAX_INVITES_PER_BATCH, MAX_PERSONAL_MESSAGE, type JiraRole } from '../invitations/invite-users.schema';
import { listSiteUsers, type RoleFilter, type StatusFilter, type UserListRow } from '../users/list';
import { changeJiraRole, removeAccess, restoreAccess, suspendAccess } from '../users/manage';
import { readJsonBody } from '../rest/handler';
import { RestError } from '../rest/errors';
import { DomainError } from '../result';
import { AdminApiFailure, invalid, jsonResponse, noContent, notFound, ORG_API_MESSAGES } from './errors';
import type { OrgApiContext } from './handler';
import {
  directoryUserJson,
  isJiraResourceOf,
  jiraResourceId,
  jiraRoleOfId,
  ROLE_IDS,
  UNKNOWN_RESOURCE,
  UNSUPPORTED_ROLE,
  type DirectoryUser,
  type InviteResult,
  type InviteResultStatus,
} from './shapes';

// ---------------------------------------------------------------------------------------------
// Request bodies

/** "emails.0: ..." for the first problem of a body, as the error's detail. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AdminApiFailure(400, describeIssues(parsed.error));
  return parsed.data;
}

/** A JSON body that may be left out altogether (an empty body reads as {}). */
async function readOptionalJsonBody(request: Request): Promise<unknown> {
  if (request.headers.get('content-type')) return readJsonBody(request);
  const text = await request.text();
  if (!text.trim()) return {};
  throw new RestError(415, ['Send the request body as JSON (Content-Type: application/json).']);
}

const MAX_ACCOUNT_ID = 64;

/** The path's account id; anything that can't be one is "not on this site". */
function accountIdOf(raw: string): string {
  const id = raw.trim();
  if (!id || id.length > MAX_ACCOUNT_ID) throw notFound(ORG_API_MESSAGES.userNotFound);
  return id;
}

/** The path's directory: this API has one directory, the site's; "-" names it too. */
export function assertDirectory(context: OrgApiContext, directoryId: string): void {
  if (directoryId !== '-' && directoryId !== context.viewer.site.id) throw notFound(ORG_API_MESSAGES.directoryNotFound(directoryId));
}

function jiraRoleFor(context: OrgApiContext, rule: { role: string; resource: string }): JiraRole {
  if (!isJiraResourceOf(rule.resource, context.viewer.site.id)) throw invalid(UNKNOWN_RESOURCE(rule.resource, context.viewer.site.id));
  const role = jiraRoleOfId(rule.role);
  if (!role) throw invalid(UNSUPPORTED_ROLE(rule.role));
  return role;
}

// ---------------------------------------------------------------------------------------------
// POST /admin/v2/orgs/{orgId}/users/invite

const PermissionRule = z.strictObject({
  resource: z.string({ error: 'Give the resource id (ARI) of the site’s Jira.' }).max(300),
  role: z.string({ error: 'Give a role id, e.g. atlassian/guest.' }).max(100),
});

const InviteBody = z.strictObject({
  emails: z
    .array(z.string({ error: 'Each email must be a string.' }).max(320, 'That is not an email address.'), { error: 'Give the email addresses to invite as a list.' })
    .min(1, 'Give at least one email address.')
    .max(MAX_INVITES_PER_BATCH, `You can invite up to ${MAX_INVITES_PER_BATCH} people at a time.`),
  permissionRules: z.array(PermissionRule).max(10, 'Give one permission rule, for Jira.').optional(),
  additionalGroups: z.array(z.string().max(200)).max(0, 'Portico has no groups: leave additionalGroups out or empty.').optional(),
  sendNotification: z.boolean({ error: 'sendNotification must be true or false.' }).optional(),
  notificationText: z.string({ error: 'notificationText must be a string.' }).max(MAX_PERSONAL_MESSAGE, `Keep notificationText under ${MAX_PERSONAL_MESSAGE} characters.`).optional(),
});

const RESULT_STATUS: Record<GrantRow['result'], InviteResultStatus> = { INVITED: 'INVITED', RESENT: 'RESENT', SKIPPED: 'SKIPPED', REFUSED: 'ERROR' };

/**
 * Invite users, through grantAccess (the Invite users screen's "Grant access"): one Jira role per
 * call, from the one permission rule for the site's Jira. People are invited by email (the link in
 * it is how they join), so `sendNotification: false` is refused. An address that already has a
 * pending invitation is sent it again with a new link only when `sendNotification` is explicitly
 * true; left out, it is skipped ("Already invited"), so a retried call doesn't invalidate the link
 * just sent. 200 with a result per address; 400 when every address was refused (each one's reason).
 */
export async function inviteUsers(context: OrgApiContext): Promise<Response> {
  const body = parseBody(InviteBody, await readJsonBody(context.request));
  const siteId = context.viewer.site.id;
  const rules = body.permissionRules ?? [];
  if (rules.length === 0) {
    throw invalid(`permissionRules: give one rule for the site's Jira, e.g. {"resource": "${jiraResourceId(siteId)}", "role": "${ROLE_IDS.GUEST}"}.`);
  }
  const roles = [...new Set(rules.map((rule) => jiraRoleFor(context, rule)))];
  if (roles.length > 1) throw invalid('permissionRules: give one role for Jira. A person holds one Jira role: Guest, User or Admin.');
  const role = roles[0];
  if (body.sendNotification === false) {
    throw invalid("sendNotification can't be false: people join through the link in the invitation email, so every invitation is emailed.");
  }
  const personalMessage = (body.notificationText ?? '').replace(/\r\n?/g, '\n').trim() || null;

  const rows = await grantAccess(
    context.db,
    context.viewer,
    { emails: body.emails, role, personalMessage, resend: body.sendNotification === true ? body.emails : [] },
    context.audit,
    context.now,
  );
  if (rows.every((row) => row.result === 'REFUSED')) throw new AdminApiFailure(400, rows.map((row) => `${row.email}: ${row.detail}`));

  const accounts = await context.db.user.findMany({ where: { email: { in: rows.map((row) => row.email) } }, select: { id: true, email: true } });
  const accountOf = new Map(accounts.map((account) => [account.email, account.id]));
  const resource = jiraResourceId(siteId);
  const data: InviteResult[] = rows.map((row) => {
    const id = accountOf.get(row.email);
    return {
      ...(id ? { id } : {}),
      email: row.email,
      results: [{ roleAssignmentResult: [{ resource, role: ROLE_IDS[role], status: RESULT_STATUS[row.result], statusReason: row.detail }] }],
    };
  });
  return jsonResponse({ data });
}

// ---------------------------------------------------------------------------------------------
// POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search

export const SEARCH_DEFAULT_LIMIT = 50;
export const SEARCH_MAX_LIMIT = 100;
/** listSiteUsers pages read to fill one page of users (pending invitations are skipped). */
const MAX_PAGES_PER_SEARCH = 5;

const SearchBody = z.strictObject({
  cursor: z.string({ error: 'cursor must be a string.' }).max(8192, 'That cursor is not valid.').nullish(),
  limit: z
    .number({ error: 'limit must be a number.' })
    .int('limit must be a whole number.')
    .min(1, 'limit must be at least 1.')
    .max(SEARCH_MAX_LIMIT, `limit can be at most ${SEARCH_MAX_LIMIT}.`)
    .optional(),
  status: z.array(z.string().max(40)).max(10).optional(),
  roleIds: z.array(z.string().max(100)).max(10).optional(),
  searchTerm: z.string({ error: 'searchTerm must be a string.' }).max(200, 'Keep searchTerm to 200 characters or fewer.').optional(),
  // Accepted for compatibility; every user payload already holds what Portico has.
  expand: z.array(z.string().max(60)).max(10).optional(),
});

const STATUS_FILTER: Record<string, StatusFilter> = { active: 'active', suspended: 'suspended' };
const ROLE_FILTER: Record<JiraRole, RoleFilter> = { GUEST: 'guest', USER: 'user', ADMIN: 'admin' };

/** A cursor this endpoint returned (the Users list's keyset cursor, sort "added", newest first). */
function assertCursor(cursor: string): void {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const valid =
    Array.isArray(value) &&
    value.length === 4 &&
    value[0] === 'added' &&
    value[1] === 'desc' &&
    typeof value[2] === 'string' &&
    !Number.isNaN(Date.parse(value[2])) &&
    typeof value[3] === 'string';
  if (!valid) throw invalid('cursor: that cursor is not valid. Use links.next from the previous page.');
}

/**
 * Search for users, through listSiteUsers (the Users list): people on the site, newest first, by
 * `searchTerm` (name or email), `status` (active, suspended) and `roleIds` (one of the Jira roles).
 * Pending invitations have no account, so they are not returned. `links.next` is the cursor of the
 * next page, null on the last one.
 */
export async function searchUsers(context: OrgApiContext, directoryId: string): Promise<Response> {
  assertDirectory(context, directoryId);
  const body = parseBody(SearchBody, await readOptionalJsonBody(context.request));
  const statuses = new Set<StatusFilter>();
  for (const raw of body.status ?? []) {
    const status = STATUS_FILTER[raw.trim().toLowerCase()];
    if (!status) throw invalid(`status: unsupported status '${raw.slice(0, 40)}'. Portico's users are active or suspended.`);
    statuses.add(status);
  }
  const roles = new Set<JiraRole>();
  for (const raw of body.roleIds ?? []) {
    const role = jiraRoleOfId(raw);
    if (!role) throw invalid(`roleIds: ${UNSUPPORTED_ROLE(raw)}`);
    roles.add(role);
  }
  if (roles.size > 1) throw invalid('roleIds: filter by one role at a time.');
  if (body.cursor) assertCursor(body.cursor);

  const limit = body.limit ?? SEARCH_DEFAULT_LIMIT;
  const query = {
    q: body.searchTerm ?? '',
    role: roles.size === 1 ? ROLE_FILTER[[...roles][0]] : null,
    // Both statuses (or none) = everyone on the site.
    status: statuses.size === 1 ? [...statuses][0] : null,
    sort: 'added' as const,
    dir: 'desc' as const,
  };
  const users: (UserListRow & { userId: string })[] = [];
  let after = body.cursor ?? null;
  let next: string | null = null;
  for (let read = 0; read < MAX_PAGES_PER_SEARCH; read++) {
    const page = await listSiteUsers(context.db, context.viewer, { ...query, after, before: null }, { pageSize: limit - users.length, now: context.now });
    for (const row of page.rows) if (row.kind === 'user' && row.userId) users.push({ ...row, userId: row.userId });
    next = page.next;
    if (!next || users.length >= limit) break;
    after = next;
  }
  const data: DirectoryUser[] = users.map((row) => directoryUserJson(row, context.viewer.site.id));
  return jsonResponse({ data, links: { self: body.cursor ?? null, next } });
}

// ---------------------------------------------------------------------------------------------
// POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/assign | /roles/revoke

const RoleBody = z.strictObject({
  role: z.string({ error: 'Give a role id, e.g. atlassian/user.' }).max(100),
  resource: z.string({ error: 'Give the resource id (ARI) of the site’s Jira.' }).max(300),
});

async function roleRequest(context: OrgApiContext, rawAccountId: string): Promise<{ accountId: string; role: JiraRole }> {
  const accountId = accountIdOf(rawAccountId);
  const body = parseBody(RoleBody, await readJsonBody(context.request));
  return { accountId, role: jiraRoleFor(context, body) };
}

/** Assign a Jira role: the profile's Roles dropdown (changeJiraRole). 204; the role held already = 204, nothing changes. */
export async function assignRole(context: OrgApiContext, rawAccountId: string): Promise<Response> {
  const { accountId, role } = await roleRequest(context, rawAccountId);
  await changeJiraRole(context.db, context.viewer, accountId, role, context.audit);
  return noContent();
}

/**
 * Revoke a Jira role. A person holds one Jira role, and Portico has no site access without one:
 * - revoking the Guest or User role they hold = Remove access (as DELETE .../users/{accountId});
 * - revoking Admin from an admin leaves them a User (changeJiraRole);
 * - revoking User from an admin is refused (revoke Admin first, or remove their access);
 * - revoking a role they don't hold changes nothing (204).
 */
export async function revokeRole(context: OrgApiContext, rawAccountId: string): Promise<Response> {
  const { accountId, role } = await roleRequest(context, rawAccountId);
  const siteId = context.viewer.site.id;
  const person = await context.db.siteUser.findUnique({
    where: { siteId_userId: { siteId, userId: accountId } },
    select: { user: { select: { name: true, appRoles: { where: { app: { siteId, kind: 'JIRA' } }, select: { role: true } } } } },
  });
  if (!person) throw new DomainError('NOT_FOUND', ORG_API_MESSAGES.userNotFound);
  const held = person.user.appRoles[0]?.role ?? null;
  if (held === 'ADMIN' && role === 'ADMIN') {
    await changeJiraRole(context.db, context.viewer, accountId, 'USER', context.audit);
  } else if (held === 'ADMIN' && role === 'USER') {
    throw invalid(
      `${person.user.name} is a Jira admin. Revoke ${ROLE_IDS.ADMIN} first (they stay a User), or remove their access with DELETE /admin/v1/orgs/{orgId}/users/{accountId}.`,
    );
  } else if (held !== null && held === role) {
    await removeAccess(context.db, context.viewer, accountId, context.audit, context.now);
  }
  return noContent();
}

// ---------------------------------------------------------------------------------------------
// Suspend, restore, remove

/** Suspend access (suspendAccess): roles and space are kept, nothing can be reached. 204. */
export async function suspendUser(context: OrgApiContext, rawAccountId: string): Promise<Response> {
  await suspendAccess(context.db, context.viewer, accountIdOf(rawAccountId), context.audit, context.now);
  return noContent();
}

/** Restore access (restoreAccess). 204. */
export async function restoreUser(context: OrgApiContext, rawAccountId: string): Promise<Response> {
  await restoreAccess(context.db, context.viewer, accountIdOf(rawAccountId), context.audit);
  return noContent();
}

/** Remove access (removeAccess): roles, spaces, sessions, API tokens and invitations go; the person stays listed. 204. */
export async function removeUser(context: OrgApiContext, rawAccountId: string): Promise<Response> {
  await removeAccess(context.db, context.viewer, accountIdOf(rawAccountId), context.audit, context.now);
  return noContent();
}
