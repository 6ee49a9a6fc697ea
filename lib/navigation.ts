import { can, type Viewer } from './access/policy';

export type NavItem = { label: string; href: string };

/** The top bar's items, from the policy: a guest sees only their space. */
export function topNavigation(viewer: Viewer): { items: NavItem[]; settings: boolean; apps: string[] } {
  const items: NavItem[] = [];
  if (can(viewer, 'jira.use')) {
    if (can(viewer, 'spaces.browseAll')) items.push({ label: 'Spaces', href: '/spaces' });
    else if (viewer.guestSpace) items.push({ label: viewer.guestSpace.name, href: `/spaces/${viewer.guestSpace.key}` });
  }
  if (can(viewer, 'experience.dashboards')) items.push({ label: 'Dashboards', href: '/dashboards' });
  if (can(viewer, 'experience.goals')) items.push({ label: 'Goals', href: '/goals' });
  if (can(viewer, 'experience.peopleDirectory')) items.push({ label: 'People', href: '/people' });
  const apps = [...(can(viewer, 'jira.use') ? ['Jira'] : []), ...(viewer.siteAccess && !viewer.siteAccess.suspended ? viewer.siteAccess.otherApps.map((k) => k[0] + k.slice(1).toLowerCase()) : [])];
  return { items, settings: can(viewer, 'admin.users.view'), apps };
}
