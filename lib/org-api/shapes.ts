// The JSON of the organization admin API, following Atlassian's Organizations REST API (as the
// jira.js admin client's models describe it): Jira resources as ARIs, app roles as role ids,
// users as directory users. Guests are told apart in every user payload: role "atlassian/guest".
import type { JiraRole } from '../invitations/invite-users.schema';
import type { UserListRow } from '../users/list';

/** Atlassian's app role ids for the three Jira roles. */
export const ROLE_IDS = { GUEST: 'atlassian/guest', USER: 'atlassian/user', ADMIN: 'atlassian/admin' } as const satisfies Record<JiraRole, string>;
export type RoleId = (typeof ROLE_IDS)[JiraRole];

export function jiraRoleOfId(roleId: string): JiraRole | null {
  const entry = (Object.entries(ROLE_IDS) as [JiraRole, string][]).find(([, id]) => id === roleId.trim().toLowerCase());
  return entry ? entry[0] : null;
}

export const UNSUPPORTED_ROLE = (role: string) =>
  `Unsupported role '${role.slice(0, 80)}'. Use ${ROLE_IDS.GUEST}, ${ROLE_IDS.USER} or ${ROLE_IDS.ADMIN} (Jira's Guest, User and Admin roles).`;

/** The resource id (ARI) of the site's Jira, as permission rules and role assignments name it. */
export const jiraResourceId = (siteId: string) => `ari:cloud:jira::site/${siteId}`;

// Atlassian names Jira's resource by product: jira, jira-software, jira-core, jira-work-management.
const JIRA_ARI = /^ari:cloud:jira(?:-software|-core|-work-management)?::site\/([^/\s]{1,64})$/;

/** Whether `resource` is this site's Jira. */
export function isJiraResourceOf(resource: string, siteId: string): boolean {
  return JIRA_ARI.exec(resource.trim())?.[1] === siteId;
}

export const UNKNOWN_RESOURCE = (resource: string, siteId: string) =>
  `Unknown resource '${resource.slice(0, 120)}'. This API manages access to the site's Jira: use '${jiraResourceId(siteId)}'.`;

/** Atlassian's directory user (MultiDirectoryUser), for a person on the site. */
export type DirectoryUser = {
  accountId: string;
  accountType: 'atlassian';
  status: 'active' | 'suspended';
  membershipStatus: 'active' | 'suspended';
  addedToOrg: string;
  name: string;
  email: string;
  /** Internal (an address in a verified domain) = managed; external = unmanaged. */
  claimStatus: 'managed' | 'unmanaged';
  /** Portico: the Jira role held (null = no access), and whether that makes the person a guest. */
  role: RoleId | null;
  guest: boolean;
  /** Portico: site admin of the site. */
  siteAdmin: boolean;
  /** Portico, guests only: their one space (null = no space yet). */
  space?: { key: string; name: string } | null;
  productAccess: { key: 'jira'; id: string; lastActiveTimestamp?: string }[];
};

export function directoryUserJson(row: UserListRow & { userId: string }, siteId: string): DirectoryUser {
  const status = row.status === 'SUSPENDED' ? 'suspended' : 'active';
  return {
    accountId: row.userId,
    accountType: 'atlassian',
    status,
    membershipStatus: status,
    addedToOrg: row.addedAt.toISOString(),
    name: row.name,
    email: row.email,
    claimStatus: row.external ? 'unmanaged' : 'managed',
    role: row.jiraRole ? ROLE_IDS[row.jiraRole] : null,
    guest: row.jiraRole === 'GUEST',
    siteAdmin: row.isSiteAdmin,
    ...(row.jiraRole === 'GUEST' ? { space: row.space } : {}),
    productAccess: row.jiraRole
      ? [{ key: 'jira', id: jiraResourceId(siteId), ...(row.lastActiveAt ? { lastActiveTimestamp: row.lastActiveAt.toISOString() } : {}) }]
      : [],
  };
}

/** Invite results, per address and role (Atlassian: INVITED or ERROR; Portico adds RESENT and SKIPPED). */
export type InviteResultStatus = 'INVITED' | 'RESENT' | 'SKIPPED' | 'ERROR';

export type InviteResult = {
  /** The account id, when the address already has an account. */
  id?: string;
  email: string;
  results: { roleAssignmentResult: { resource: string; role: RoleId; status: InviteResultStatus; statusReason: string }[] }[];
};
