import { describe, expect, it } from 'vitest';
import { can, homePath, siteRoleOf, spacePermissions, type Viewer } from '@/lib/access/policy';
import { SITE_PERMISSIONS, SITE_ROLE_PERMISSIONS, SPACE_PERMISSIONS, SPACE_ROLE_PERMISSIONS, SPACE_ROLES } from '@/lib/access/permissions';
import { topNavigation } from '@/lib/navigation';

const MKT = { id: 'space-mkt', key: 'MKT', name: 'Marketing' };
const ENG = { id: 'space-eng' };

function viewer(overrides: Partial<Viewer> & { role?: 'SITE_ADMIN' | 'ADMIN' | 'USER' | 'GUEST' | 'NONE'; suspended?: boolean } = {}): Viewer {
  const { role = 'USER', suspended = false, ...rest } = overrides;
  return {
    userId: 'u1',
    sessionId: 's1',
    email: 'someone@example.com',
    name: 'Someone',
    external: role === 'GUEST',
    site: { id: 'site', name: 'Acme', slug: 'acme', plan: 'STANDARD', organizationId: 'org', verifiedDomains: ['acme.com'] },
    siteAccess:
      role === 'NONE'
        ? null
        : {
            isSiteAdmin: role === 'SITE_ADMIN',
            suspended,
            jiraRole: role === 'SITE_ADMIN' ? 'ADMIN' : role,
            otherApps: [],
          },
    guestSpace: null,
    grantedExperiences: [],
    ...rest,
  };
}

describe('site permission catalog', () => {
  // Generated from the catalog itself: every role × every permission has an explicit answer.
  for (const [role, allowed] of Object.entries(SITE_ROLE_PERMISSIONS)) {
    for (const permission of SITE_PERMISSIONS) {
      if (role === 'GUEST') continue; // depends on the space; covered below
      const v = viewer({ role: role === 'JIRA_ADMIN' ? 'ADMIN' : (role as 'SITE_ADMIN' | 'USER') });
      it(`${role} ${allowed.includes(permission) ? 'may' : 'may not'} ${permission}`, () => {
        expect(can(v, permission)).toBe(allowed.includes(permission));
      });
    }
  }

  it('fails closed: nobody, a suspended person and someone without site access get nothing', () => {
    for (const permission of SITE_PERMISSIONS) {
      expect(can(null, permission)).toBe(false);
      expect(can(viewer({ role: 'SITE_ADMIN', suspended: true }), permission)).toBe(false);
      expect(can(viewer({ role: 'NONE' }), permission)).toBe(false);
    }
  });

  it('an unknown role is refused rather than guessed', () => {
    const odd = viewer();
    odd.siteAccess!.jiraRole = 'OWNER' as never;
    expect(siteRoleOf(odd)).toBeNull();
    expect(can(odd, 'jira.use')).toBe(false);
  });
});

describe('guests', () => {
  it('cannot use Jira at all without a space', () => {
    const guest = viewer({ role: 'GUEST' });
    expect(can(guest, 'jira.use')).toBe(false);
    expect(homePath(guest)).toBe('/no-space');
    expect(spacePermissions(guest, MKT, 'GUEST').size).toBe(0);
  });

  it('use only their own space, with the Guest role permissions and nothing administrative', () => {
    const guest = viewer({ role: 'GUEST', guestSpace: MKT });
    expect(can(guest, 'jira.use')).toBe(true);
    expect([...spacePermissions(guest, MKT, 'GUEST')].sort()).toEqual(['browse', 'comment', 'create', 'editOwn']);
    expect(spacePermissions(guest, ENG, null).size).toBe(0);
    expect(spacePermissions(guest, ENG, 'ADMINISTRATOR').size).toBe(0);
    for (const permission of ['spaces.browseAll', 'experience.dashboards', 'experience.goals', 'experience.peopleDirectory', 'people.seeEveryone', 'admin.users.view'] as const) {
      expect(can(guest, permission)).toBe(false);
    }
    expect(homePath(guest)).toBe('/spaces/MKT');
  });

  it('reach a site-wide experience only when a site admin granted it', () => {
    const guest = viewer({ role: 'GUEST', guestSpace: MKT, grantedExperiences: ['GOALS'] });
    expect(can(guest, 'experience.goals')).toBe(true);
    expect(can(guest, 'experience.dashboards')).toBe(false);
  });

  it('see only their space in the navigation', () => {
    expect(topNavigation(viewer({ role: 'GUEST', guestSpace: MKT }))).toEqual({
      items: [{ label: 'Marketing', href: '/spaces/MKT' }],
      settings: false,
      apps: ['Jira'],
    });
    expect(topNavigation(viewer({ role: 'GUEST' })).items).toEqual([]);
  });
});

describe('space permissions', () => {
  for (const role of SPACE_ROLES) {
    for (const permission of SPACE_PERMISSIONS) {
      const expected = SPACE_ROLE_PERMISSIONS[role].includes(permission);
      it(`a licensed ${role} ${expected ? 'may' : 'may not'} ${permission}`, () => {
        expect(spacePermissions(viewer({ role: 'USER' }), MKT, role).has(permission)).toBe(expected);
      });
    }
  }

  it('licensed non-members may browse only; site admins administer every space', () => {
    expect([...spacePermissions(viewer({ role: 'USER' }), ENG, null)]).toEqual(['browse']);
    expect(spacePermissions(viewer({ role: 'SITE_ADMIN' }), ENG, null).has('administer')).toBe(true);
  });

  it('site admins see Settings, licensed users do not', () => {
    expect(topNavigation(viewer({ role: 'SITE_ADMIN' })).settings).toBe(true);
    expect(topNavigation(viewer({ role: 'USER' })).settings).toBe(false);
    expect(topNavigation(viewer({ role: 'USER' })).items.map((i) => i.label)).toEqual(['Spaces', 'Dashboards', 'Goals', 'People']);
  });
});
