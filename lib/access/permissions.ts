// The permission catalog: roles × permissions declared once, as data. Anything not listed is refused.

/** What a person is on the site, derived from the database on every request. */
export const SITE_ROLES = ['SITE_ADMIN', 'JIRA_ADMIN', 'USER', 'GUEST'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

export const SITE_PERMISSIONS = [
  'admin.users.view', // Settings → User management → Users, profiles
  'admin.users.manage', // invite, change roles, suspend, remove
  'admin.requests.manage', // Approve requests
  'admin.security.manage', // Security → External users
  'admin.audit.view', // Audit log
  'admin.billing.manage', // Billing / plan
  'jira.use', // open Jira at all
  'spaces.browseAll', // the Spaces directory beyond one's own memberships
  'spaces.create',
  'experience.dashboards',
  'experience.goals',
  'experience.peopleDirectory',
  'people.seeEveryone', // user pickers, people cards across the site
] as const;
export type SitePermission = (typeof SITE_PERMISSIONS)[number];

const LICENSED: SitePermission[] = [
  'jira.use',
  'spaces.browseAll',
  'experience.dashboards',
  'experience.goals',
  'experience.peopleDirectory',
  'people.seeEveryone',
];

export const SITE_ROLE_PERMISSIONS: Record<SiteRole, readonly SitePermission[]> = {
  SITE_ADMIN: [
    ...LICENSED,
    'spaces.create',
    'admin.users.view',
    'admin.users.manage',
    'admin.requests.manage',
    'admin.security.manage',
    'admin.audit.view',
    'admin.billing.manage',
  ],
  JIRA_ADMIN: [...LICENSED, 'spaces.create'],
  USER: LICENSED,
  // A guest's Jira access further depends on having a space (see lib/access/policy.ts).
  GUEST: ['jira.use'],
};

/** Site-wide experiences a site admin can grant to an individual guest. */
export const GRANTABLE_EXPERIENCES = {
  DASHBOARDS: 'experience.dashboards',
  GOALS: 'experience.goals',
  PEOPLE_DIRECTORY: 'experience.peopleDirectory',
} as const satisfies Record<string, SitePermission>;

export const SPACE_ROLES = ['ADMINISTRATOR', 'MEMBER', 'VIEWER', 'GUEST'] as const;
export type SpaceRoleName = (typeof SPACE_ROLES)[number];

export const SPACE_PERMISSIONS = [
  'browse',
  'create',
  'edit',
  'editOwn',
  'comment',
  'assign',
  'transition',
  'delete',
  'administer',
] as const;
export type SpacePermission = (typeof SPACE_PERMISSIONS)[number];

export const SPACE_ROLE_PERMISSIONS: Record<SpaceRoleName, readonly SpacePermission[]> = {
  ADMINISTRATOR: ['browse', 'create', 'edit', 'editOwn', 'comment', 'assign', 'transition', 'delete', 'administer'],
  MEMBER: ['browse', 'create', 'edit', 'editOwn', 'comment', 'assign', 'transition'],
  VIEWER: ['browse', 'comment'],
  // Jira's guest role: browse, create, comment and edit their own work; nothing administrative.
  GUEST: ['browse', 'create', 'editOwn', 'comment'],
};

export const SPACE_ROLE_LABELS: Record<SpaceRoleName, string> = {
  ADMINISTRATOR: 'Administrator',
  MEMBER: 'Member',
  VIEWER: 'Viewer',
  GUEST: 'Guest',
};
