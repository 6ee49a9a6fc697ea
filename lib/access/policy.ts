// The access policy: every page, server action and route handler asks here before reading or
// writing. It only reads the Viewer, which is loaded from the database on every request.
import {
  GRANTABLE_EXPERIENCES,
  SITE_ROLE_PERMISSIONS,
  SPACE_ROLE_PERMISSIONS,
  type SitePermission,
  type SiteRole,
  type SpacePermission,
  type SpaceRoleName,
} from './permissions';

/**
 * Two-step verification and periodic re-verification of this session (lib/security/verification.ts):
 * OK, or what must happen before anything else is allowed.
 */
export type VerificationState = 'OK' | 'NEEDS_2SV' | 'NEEDS_ENROLLMENT' | 'NEEDS_REAUTH';
export type SecondFactorMethod = 'TOTP' | 'EMAIL_OTP';

export type Viewer = {
  userId: string;
  sessionId: string;
  email: string;
  name: string;
  external: boolean;
  site: {
    id: string;
    name: string;
    slug: string;
    plan: 'FREE' | 'STANDARD' | 'PREMIUM' | 'ENTERPRISE';
    organizationId: string;
    /** As read with the viewer, at the start of this request (sorted). */
    verifiedDomains: string[];
  };
  /** null when the person is not on this site at all. */
  siteAccess: {
    isSiteAdmin: boolean;
    suspended: boolean;
    jiraRole: 'GUEST' | 'USER' | 'ADMIN' | null;
    /** Kinds of the site's other apps this person has a role on. */
    otherApps: string[];
  } | null;
  /** For guests: the one space they belong to on this site. */
  guestSpace: { id: string; key: string; name: string } | null;
  grantedExperiences: (keyof typeof GRANTABLE_EXPERIENCES)[];
  /** Always set by lib/access/viewer.ts; absent only on viewers built by hand (unit tests) = OK. */
  verification?: VerificationState;
  /** The second factor this session must present (TOTP or an emailed passcode), when one is required. */
  secondFactor?: SecondFactorMethod | null;
};

/** Until verification is OK, every permission is refused (only the /verify pages and their actions work). */
export function isVerified(viewer: Viewer | null): boolean {
  return !!viewer && (viewer.verification === undefined || viewer.verification === 'OK');
}

export class AccessDenied extends Error {
  constructor(message = "You don't have access to this page.") {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** The role that decides site-level permissions, or null for no usable access. */
export function siteRoleOf(viewer: Viewer | null): SiteRole | null {
  const access = viewer?.siteAccess;
  if (!access || access.suspended || !isVerified(viewer)) return null;
  if (access.isSiteAdmin) return 'SITE_ADMIN';
  switch (access.jiraRole) {
    case 'ADMIN':
      return 'JIRA_ADMIN';
    case 'USER':
      return 'USER';
    case 'GUEST':
      return 'GUEST';
    default:
      return null;
  }
}

export function sitePermissions(viewer: Viewer | null): ReadonlySet<SitePermission> {
  const role = siteRoleOf(viewer);
  if (!viewer || !role) return new Set();
  const granted = new Set<SitePermission>(SITE_ROLE_PERMISSIONS[role] ?? []);
  if (role === 'GUEST') {
    // Without a space a guest cannot use Jira at all; site-wide experiences only when granted.
    if (!viewer.guestSpace) granted.delete('jira.use');
    else for (const experience of viewer.grantedExperiences) granted.add(GRANTABLE_EXPERIENCES[experience]);
  }
  return granted;
}

export function can(viewer: Viewer | null, permission: SitePermission): boolean {
  return sitePermissions(viewer).has(permission);
}

export function assertCan(viewer: Viewer | null, permission: SitePermission): asserts viewer is Viewer {
  if (!can(viewer, permission)) throw new AccessDenied();
}

export function isGuest(viewer: Viewer | null): boolean {
  return siteRoleOf(viewer) === 'GUEST';
}

/**
 * What the viewer may do in one space, given their membership role there (null = not a member).
 * Guests: only their own assigned space. Site and Jira admins administer every space.
 * Licensed users may browse spaces they are not members of (Jira's default permission scheme).
 */
export function spacePermissions(
  viewer: Viewer | null,
  space: { id: string },
  membershipRole: SpaceRoleName | null,
): ReadonlySet<SpacePermission> {
  if (!viewer || !can(viewer, 'jira.use')) return new Set();
  const role = siteRoleOf(viewer);
  if (role === 'GUEST') {
    if (viewer.guestSpace?.id !== space.id || membershipRole !== 'GUEST') return new Set();
    return new Set(SPACE_ROLE_PERMISSIONS.GUEST);
  }
  if (role === 'SITE_ADMIN' || role === 'JIRA_ADMIN') return new Set(SPACE_ROLE_PERMISSIONS.ADMINISTRATOR);
  if (membershipRole) return new Set(SPACE_ROLE_PERMISSIONS[membershipRole] ?? []);
  return can(viewer, 'spaces.browseAll') ? new Set<SpacePermission>(['browse']) : new Set();
}

export function canInSpace(
  viewer: Viewer | null,
  space: { id: string },
  membershipRole: SpaceRoleName | null,
  permission: SpacePermission,
): boolean {
  return spacePermissions(viewer, space, membershipRole).has(permission);
}

/** Where a signed-in person lands. */
export function homePath(viewer: Viewer): string {
  if (!isVerified(viewer)) return '/verify';
  if (!viewer.siteAccess) return '/request-access';
  if (viewer.siteAccess.suspended) return '/no-access';
  if (siteRoleOf(viewer) === 'GUEST') return viewer.guestSpace ? `/spaces/${viewer.guestSpace.key}` : '/no-space';
  if (!can(viewer, 'jira.use')) return '/no-access';
  return '/spaces';
}
