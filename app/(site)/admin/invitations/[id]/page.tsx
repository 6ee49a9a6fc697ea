import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { can } from '@/lib/access/policy';
import { getInvitationForAdmin } from '@/lib/invitations/queries';
import { JIRA_ROLE_LABELS } from '@/lib/invitations/invite-users.schema';
import { NoAccess } from '@/components/no-access';
import { Lozenge } from '@/components/lozenge';
import { ConfirmAction } from '@/components/confirm-action';
import { resendInviteAction, revokeInviteAction } from '../../actions';

export const metadata = { title: 'Invitation · Settings · Portico' };

const DELIVERY = {
  QUEUED: { label: 'Queued', tone: 'default' },
  SENT: { label: 'Sent', tone: 'success' },
  FAILED: { label: 'Failed', tone: 'danger' },
} as const;

export default async function InvitationAdminPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await viewerWith('admin.users.view');
  if (!viewer) return <NoAccess />;
  const { id } = await params;
  const invitation = await getInvitationForAdmin(prisma, viewer, id);
  if (!invitation) return <NoAccess />;
  const state = invitation.state === 'PENDING' ? (invitation.expired ? 'Expired' : 'Pending') : invitation.state === 'ACCEPTED' ? 'Accepted' : 'Revoked';
  const manage = can(viewer, 'admin.users.manage') && invitation.state === 'PENDING';
  return (
    <div className="max-w-2xl">
      <p className="text-text-subtle"><Link href="/admin/users" className="hover:underline">Users</Link> /</p>
      <h1 className="mb-6 text-2xl font-semibold">Invitation for {invitation.email}</h1>
      <dl className="mb-6 grid grid-cols-[10rem_1fr] gap-y-2">
        <dt className="text-text-subtle">Status</dt><dd>{state}</dd>
        <dt className="text-text-subtle">Jira role</dt><dd>{JIRA_ROLE_LABELS[invitation.role]}</dd>
        <dt className="text-text-subtle">Invited by</dt><dd>{invitation.invitedBy?.name ?? '—'}</dd>
        <dt className="text-text-subtle">Invited</dt><dd>{invitation.createdAt.toISOString().slice(0, 10)}</dd>
        <dt className="text-text-subtle">Expires</dt><dd>{invitation.expiresAt.toISOString().slice(0, 10)}</dd>
        <dt className="text-text-subtle">Email delivery</dt>
        <dd>
          <Lozenge tone={DELIVERY[invitation.deliveryState].tone}>{DELIVERY[invitation.deliveryState].label}</Lozenge>
          {invitation.sentAt ? <span className="text-text-subtle"> {invitation.sentAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</span> : null}
          {invitation.deliveryError ? <p className="text-text-danger">{invitation.deliveryError}</p> : null}
        </dd>
        {invitation.personalMessage ? (<><dt className="text-text-subtle">Personal message</dt><dd className="whitespace-pre-line">{invitation.personalMessage}</dd></>) : null}
      </dl>
      {manage ? (
        <div className="flex gap-2">
          <ConfirmAction trigger="Resend invite" triggerAppearance="default" title={`Resend the invitation to ${invitation.email}?`} confirmLabel="Resend invite"
            body={<p>They get a new email with a new link. The link in the previous email stops working.</p>} action={resendInviteAction} input={{ invitationId: invitation.id }} />
          <ConfirmAction trigger="Revoke invite" triggerAppearance="default" appearance="danger" title={`Revoke the invitation to ${invitation.email}?`} confirmLabel="Revoke invite"
            body={<p>The link in their email stops working at once.</p>} action={revokeInviteAction} input={{ invitationId: invitation.id }} />
        </div>
      ) : null}
    </div>
  );
}
