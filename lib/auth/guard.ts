import 'server-only';
import { redirect } from 'next/navigation';
import { can, isVerified, type Viewer } from '../access/policy';
import type { SitePermission } from '../access/permissions';
import { getViewer } from '.';

/** Pages: the signed-in viewer, or a redirect to sign in. */
export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  // Two-step verification or re-verification pending: nothing but the /verify pages.
  if (!isVerified(viewer)) redirect('/verify');
  return viewer;
}

/** Pages: the viewer when the policy allows `permission`, else null (render <NoAccess />). */
export async function viewerWith(permission: SitePermission): Promise<Viewer | null> {
  const viewer = await requireViewer();
  return can(viewer, permission) ? viewer : null;
}
