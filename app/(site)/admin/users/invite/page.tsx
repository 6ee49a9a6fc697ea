import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { FREE_PLAN_GUEST_REASON, GUEST_PLANS, loadSiteContext } from '@/lib/invitations/review';
import { guestExpiryFormDefaults } from '@/lib/guests/expiry';
import { NoAccess } from '@/components/no-access';
import { InviteUsersForm } from '@/components/invite-users-form';
import { grantAccessAction, reviewInvitesAction } from '../../actions';

export const metadata = { title: 'Invite users · Settings · Portico' };

export default async function InviteUsersPage() {
  const viewer = await viewerWith('admin.users.manage');
  if (!viewer) return <NoAccess />;
  const [apps, site] = await Promise.all([
    prisma.app.findMany({ where: { siteId: viewer.site.id, kind: { not: 'JIRA' } }, select: { name: true }, orderBy: { name: 'asc' } }),
    loadSiteContext(prisma, viewer.site.id),
  ]);
  const guestAllowed = (GUEST_PLANS as readonly string[]).includes(viewer.site.plan);
  return (
    <>
      <p className="text-text-subtle">Users /</p>
      <h1 className="mb-6 text-2xl font-semibold">Invite users</h1>
      <InviteUsersForm
        siteName={viewer.site.name}
        otherApps={apps.map((a) => a.name)}
        guestUnavailableReason={guestAllowed ? null : FREE_PLAN_GUEST_REASON}
        guestExpiry={guestExpiryFormDefaults(site.guestAccessDefaultDays)}
        review={reviewInvitesAction}
        grant={grantAccessAction}
      />
    </>
  );
}
