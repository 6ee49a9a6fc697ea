import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { can } from '@/lib/access/policy';
import { getUserProfile, guestGrants, GRANTABLE, type Grantable } from '@/lib/users/manage';
import { FREE_PLAN_GUEST_REASON, GUEST_PLANS } from '@/lib/invitations/review';
import { NoAccess } from '@/components/no-access';
import { Avatar } from '@/components/avatar';
import { Lozenge } from '@/components/lozenge';
import { MoreActions } from '@/components/more-actions';
import { ConfirmAction } from '@/components/confirm-action';
import { RoleSelect } from '@/components/role-select';
import { changeRoleAction, removeAccessAction, restoreAccessAction, setGuestGrantAction, suspendAccessAction } from '../../actions';
import { ActionForm } from '@/components/action-form';
import { TwoStepAdmin } from '@/components/two-step-admin';
import { GuestExpiryPanel } from '@/components/guest-expiry-panel';
import { guestExpiryView } from '@/lib/guests/expiry';
import { changeGuestExpiryAction } from '../../actions';
import { formatUtcDate } from '@/lib/dates';
import { TableHead } from '@/components/table-head';

export const metadata = { title: 'User profile · Settings · Portico' };

const formatDate = (d: Date | null) => (d ? formatUtcDate(d) : 'Never');

export default async function UserProfilePage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await viewerWith('admin.users.view');
  if (!viewer) return <NoAccess />;
  const { id } = await params;
  const profile = await getUserProfile(prisma, viewer, id);
  if (!profile) return <NoAccess />;
  const manage = can(viewer, 'admin.users.manage') && profile.id !== viewer.userId;
  const grants = profile.jiraRole === 'GUEST' ? await guestGrants(prisma, viewer, profile.id) : null;
  const grantable: [Grantable, string][] = [...(Object.entries(GRANTABLE) as [Grantable, string][]), ['CONFLUENCE', 'Confluence (app)']];
  const guestNotAllowed = !(GUEST_PLANS as readonly string[]).includes(viewer.site.plan)
    ? FREE_PLAN_GUEST_REASON
    : !profile.external
      ? 'Internal addresses can’t be guests.'
      : profile.everLicensed
        ? 'Current and former licensed users can’t become guests.'
        : null;
  return (
    <div className="max-w-4xl">
      <p className="text-text-subtle"><Link href="/admin/users" className="hover:underline">Users</Link> /</p>
      <div className="mt-2 mb-6 flex items-center gap-4">
        <Avatar name={profile.name} size={64} />
        <div className="flex-1">
          <h1 className="text-2xl font-semibold">{profile.name}</h1>
          <p className="text-text-subtle">
            {profile.email} {profile.external ? <Lozenge>External</Lozenge> : null}{' '}
            {profile.status === 'SUSPENDED' ? <Lozenge tone="danger">Suspended</Lozenge> : <Lozenge tone="success">Active</Lozenge>}
          </p>
        </div>
        {manage ? (
          <MoreActions label={`More actions for ${profile.name}`}>
            {profile.status === 'ACTIVE' ? (
              <ConfirmAction trigger="Suspend access" title={`Suspend ${profile.name}'s access?`} confirmLabel="Suspend access" appearance="danger"
                body={<p>They can’t log in or use anything on {viewer.site.name} until you restore their access. Their roles and space are kept.</p>}
                action={suspendAccessAction} input={{ userId: profile.id }} />
            ) : (
              <ConfirmAction trigger="Restore access" title={`Restore ${profile.name}'s access?`} confirmLabel="Restore access"
                body={<p>They can log in again with the roles and space they had.</p>} action={restoreAccessAction} input={{ userId: profile.id }} />
            )}
          </MoreActions>
        ) : null}
      </div>

      <dl className="mb-8 grid grid-cols-[10rem_1fr] gap-y-2">
        <dt className="text-text-subtle">Added</dt><dd>{formatDate(profile.addedAt)}</dd>
        <dt className="text-text-subtle">Last active</dt><dd>{formatDate(profile.lastActiveAt)}</dd>
        <dt className="text-text-subtle">Invited by</dt><dd>{profile.invitedBy ?? '—'}</dd>
        {profile.jiraRole === 'GUEST' ? (<><dt className="text-text-subtle">Space</dt><dd>{profile.space ? `${profile.space.name} (${profile.space.key})` : 'No space'}</dd></>) : null}
        <dt className="text-text-subtle">API tokens</dt><dd>{profile.apiTokens}</dd>
        {profile.isSiteAdmin ? (<><dt className="text-text-subtle">Site admin</dt><dd>Yes</dd></>) : null}
      </dl>

      <h2 className="mb-2 text-lg font-semibold">App access</h2>
      <table className="mb-8 w-full text-left">
        <TableHead columns={['App', 'Roles', { hiddenLabel: 'Actions' }]} />
        <tbody>
          <tr className="border-b border-border">
            <td className="py-2 pr-4">Jira <span className="text-text-subtlest">· {viewer.site.name}</span></td>
            <td className="py-2 pr-4">
              {profile.jiraRole && manage ? (
                <RoleSelect userId={profile.id} name={profile.name} current={profile.jiraRole} guestNotAllowed={guestNotAllowed} action={changeRoleAction} />
              ) : (
                profile.roleLabel
              )}
            </td>
            <td className="py-2 text-right">
              {manage && profile.jiraRole ? (
                <MoreActions label="More actions for Jira">
                  <ConfirmAction trigger="Remove access" title={`Remove ${profile.name}'s access?`} confirmLabel="Remove access" appearance="danger"
                    body={<p>This completely revokes their access to Jira on {viewer.site.name}: roles, space membership, open sessions, API tokens and pending invitations, at once. They stay on the user list with no access.</p>}
                    action={removeAccessAction} input={{ userId: profile.id }} />
                </MoreActions>
              ) : null}
            </td>
          </tr>
          {profile.otherApps.map((app) => (
            <tr key={app.name} className="border-b border-border">
              <td className="py-2 pr-4">{app.name}</td>
              <td className="py-2 pr-4">{app.role === 'GUEST' ? 'Guest' : app.role === 'ADMIN' ? 'Admin' : 'User'}</td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>

      {profile.jiraRole === 'GUEST' ? (
        <GuestExpiryPanel userId={profile.id} name={profile.name} view={guestExpiryView(profile)} action={manage ? changeGuestExpiryAction : null} />
      ) : null}

      {grants ? (
        <>
          <h2 className="mb-1 text-lg font-semibold">Guest access beyond their space</h2>
          <p className="mb-3 text-text-subtle">Guests can’t reach site-wide experiences or other apps unless you grant them here.</p>
          <ul className="mb-8 divide-y divide-border border-y border-border">
            {grantable.map(([grant, label]) => (
              <li key={grant} className="flex items-center justify-between py-2">
                <span>{label}: <strong>{grants.has(grant) ? 'Granted' : 'Not granted'}</strong></span>
                {manage ? (
                  <ActionForm action={setGuestGrantAction} fields={{ userId: profile.id, grant, granted: String(!grants.has(grant)) }}
                    label={grants.has(grant) ? `Revoke ${label}` : `Grant ${label}`} appearance="default" />
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <TwoStepAdmin viewer={viewer} userId={profile.id} name={profile.name} />

      <h2 className="mb-2 text-lg font-semibold">Recent activity</h2>
      {profile.events.length === 0 ? (
        <p className="text-text-subtle">No administrative activity yet.</p>
      ) : (
        <ul className="space-y-1">
          {profile.events.map((e) => (
            <li key={e.id} className="text-text-subtle">
              <span className="text-text">{e.action}</span> by {e.actor?.name ?? 'the system'} · {e.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
