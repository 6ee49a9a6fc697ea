// The JSON shapes of the Jira platform v3 API, as Atlassian (and the jira.js client's schemas)
// describe them: users, projects (spaces), project roles and their actors, issues (work items).
import crypto from 'node:crypto';
import type { Prisma } from '../db/generated/client';
import { can, type Viewer } from '../access/policy';
import { SPACE_ROLE_LABELS, type SpaceRoleName } from '../access/permissions';
import { STATUS_LABELS, type WorkItemStatusName } from '../work-items/schema';

/**
 * English collation for names and keys in API responses, made once: localeCompare(b, 'en') looks
 * the collator up on every call (3× slower sorting a big space's 4,000 role actors).
 */
export const ENGLISH = new Intl.Collator('en');

// ---------------------------------------------------------------------------------------------
// URLs

/** The public URL of the app (APP_URL), without a trailing slash. */
export function appUrl(): string {
  return (process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
}

export const restUrl = (path: string) => `${appUrl()}/rest/api/3${path}`;

/** Jira's timestamp format: 2026-01-31T09:15:00.000+0000. */
export const jiraDate = (date: Date) => date.toISOString().replace(/Z$/, '+0000');

// ---------------------------------------------------------------------------------------------
// Users

/** What a user payload needs, read within the viewer's site. */
export function userSelect(siteId: string) {
  return {
    id: true,
    name: true,
    email: true,
    active: true,
    siteUsers: { where: { siteId }, select: { suspendedAt: true } },
    appRoles: { where: { app: { siteId, kind: 'JIRA' as const } }, select: { role: true } },
  } satisfies Prisma.UserSelect;
}

export type UserRow = {
  id: string;
  name: string;
  email: string;
  active: boolean;
  siteUsers: { suspendedAt: Date | null }[];
  appRoles: { role: 'GUEST' | 'USER' | 'ADMIN' }[];
};

export type JiraUser = {
  self: string;
  accountId: string;
  accountType: 'atlassian';
  emailAddress?: string;
  displayName: string;
  active: boolean;
  /** Jira Cloud's own flag for guests; every user payload tells guests apart. */
  guest: boolean;
};

/**
 * Whose email address the viewer may read: their own, and anyone's when they may see the whole
 * site's people (licensed users; the app's pickers show addresses to them). Guests see names only.
 */
export function maySeeEmailOf(viewer: Viewer, userId: string): boolean {
  return userId === viewer.userId || can(viewer, 'people.seeEveryone');
}

export function userJson(viewer: Viewer, user: UserRow): JiraUser {
  return {
    self: restUrl(`/user?accountId=${encodeURIComponent(user.id)}`),
    accountId: user.id,
    accountType: 'atlassian',
    ...(maySeeEmailOf(viewer, user.id) ? { emailAddress: user.email } : {}),
    displayName: user.name,
    active: user.active && !user.siteUsers[0]?.suspendedAt,
    guest: user.appRoles[0]?.role === 'GUEST',
  };
}

// ---------------------------------------------------------------------------------------------
// Projects (spaces)

export type JiraProject = {
  self: string;
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'software';
  simplified: false;
  style: 'classic';
  isPrivate: false;
  lead?: JiraUser;
};

export function projectJson(viewer: Viewer, space: { id: string; key: string; name: string; lead: UserRow | null }): JiraProject {
  return {
    self: restUrl(`/project/${encodeURIComponent(space.id)}`),
    id: space.id,
    key: space.key,
    name: space.name,
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    ...(space.lead ? { lead: userJson(viewer, space.lead) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Project roles: the four space roles, with stable numeric ids

export type ProjectRoleDef = { id: number; role: SpaceRoleName; name: string; description: string };

export const PROJECT_ROLES: readonly ProjectRoleDef[] = [
  { id: 10002, role: 'ADMINISTRATOR', name: SPACE_ROLE_LABELS.ADMINISTRATOR, description: 'Administers the space: its settings and its people, and all of its work items.' },
  { id: 10003, role: 'MEMBER', name: SPACE_ROLE_LABELS.MEMBER, description: 'Creates, edits, assigns and transitions the space’s work items.' },
  { id: 10004, role: 'VIEWER', name: SPACE_ROLE_LABELS.VIEWER, description: 'Browses and comments on the space’s work items.' },
  {
    id: 10005,
    role: 'GUEST',
    name: SPACE_ROLE_LABELS.GUEST,
    description: 'An external guest: browses the space, creates and comments on work items and edits their own. A guest belongs to one space only.',
  },
];

export function projectRoleById(id: string): ProjectRoleDef | null {
  if (!/^\d{1,9}$/.test(id)) return null;
  return PROJECT_ROLES.find((r) => r.id === Number(id)) ?? null;
}

export const roleUrl = (spaceKey: string, roleId: number) => restUrl(`/project/${encodeURIComponent(spaceKey)}/role/${roleId}`);

/**
 * A stable numeric id for a role actor (Jira's are numbers), derived from the membership row.
 * The one-shot crypto.hash: a role's answer lists thousands of actors, and a Hash object each
 * cost ~10 ms per answer for BIG's 4,000 Members.
 */
export function actorId(membershipId: string): number {
  return Number.parseInt(crypto.hash('sha256', membershipId, 'hex').slice(0, 12), 16);
}

export type JiraRoleActor = {
  id: number;
  displayName: string;
  type: 'atlassian-user-role-actor';
  actorUser: { accountId: string };
};

export type JiraProjectRole = {
  self: string;
  name: string;
  id: number;
  description: string;
  actors: JiraRoleActor[];
  scope: { type: 'PROJECT'; project: { id: string; key: string; name: string } };
};

export function projectRoleJson(
  space: { id: string; key: string; name: string },
  role: ProjectRoleDef,
  members: { membershipId: string; userId: string; name: string }[],
): JiraProjectRole {
  const actors = [...members]
    .sort((a, b) => ENGLISH.compare(a.name, b.name) || (a.userId < b.userId ? -1 : 1))
    .map((m) => ({ id: actorId(m.membershipId), displayName: m.name, type: 'atlassian-user-role-actor' as const, actorUser: { accountId: m.userId } }));
  return {
    self: roleUrl(space.key, role.id),
    name: role.name,
    id: role.id,
    description: role.description,
    actors,
    scope: { type: 'PROJECT', project: { id: space.id, key: space.key, name: space.name } },
  };
}

// ---------------------------------------------------------------------------------------------
// Issues (work items)

const STATUS_CATEGORY: Record<WorkItemStatusName, { key: 'new' | 'indeterminate' | 'done'; name: string }> = {
  TO_DO: { key: 'new', name: 'To Do' },
  IN_PROGRESS: { key: 'indeterminate', name: 'In Progress' },
  DONE: { key: 'done', name: 'Done' },
};

export const ISSUE_FIELDS = ['summary', 'status', 'assignee', 'created', 'updated'] as const;
export type IssueField = (typeof ISSUE_FIELDS)[number];

export type IssueRow = {
  id: string;
  number: number;
  summary: string;
  status: WorkItemStatusName;
  createdAt: Date;
  updatedAt: Date;
  assignee: UserRow | null;
};

export type JiraIssue = {
  id: string;
  key: string;
  self: string;
  fields: Partial<{
    summary: string;
    status: { name: string; statusCategory: { key: string; name: string } };
    assignee: JiraUser | null;
    created: string;
    updated: string;
  }>;
};

export function issueJson(viewer: Viewer, spaceKey: string, item: IssueRow, fields: ReadonlySet<IssueField>): JiraIssue {
  const all: JiraIssue['fields'] = {
    summary: item.summary,
    status: { name: STATUS_LABELS[item.status], statusCategory: STATUS_CATEGORY[item.status] },
    assignee: item.assignee ? userJson(viewer, item.assignee) : null,
    created: jiraDate(item.createdAt),
    updated: jiraDate(item.updatedAt),
  };
  return {
    id: item.id,
    key: `${spaceKey}-${item.number}`,
    self: restUrl(`/issue/${encodeURIComponent(item.id)}`),
    fields: Object.fromEntries(ISSUE_FIELDS.filter((f) => fields.has(f)).map((f) => [f, all[f]])),
  };
}
