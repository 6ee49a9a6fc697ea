import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { defaultRoleFor, getRequest } from '@/lib/requests/access-requests';
import { JIRA_ROLE_LABELS, JIRA_ROLES } from '@/lib/invitations/invite-users.schema';
import { NoAccess } from '@/components/no-access';
import { Avatar } from '@/components/avatar';
import { Lozenge } from '@/components/lozenge';
import { ActionForm } from '@/components/action-form';
import { approveRequestAction, denyRequestAction } from '../../actions';

export const metadata = { title: 'Review request · Settings · Portico' };

export default async function ReviewRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await viewerWith('admin.requests.manage');
  if (!viewer) return <NoAccess />;
  const { id } = await params;
  const request = await getRequest(prisma, viewer, id);
  if (!request) return <NoAccess />;
  const fallback = defaultRoleFor(request.external);
  return (
    <div className="max-w-2xl">
      <p className="text-text-subtle"><Link href="/admin/requests" className="hover:underline">Approve requests</Link> /</p>
      <h1 className="mb-6 text-2xl font-semibold">Review request</h1>
      <div className="mb-6 flex items-center gap-3">
        <Avatar name={request.name} size={48} />
        <div>
          <p className="text-lg font-medium">{request.name} {request.external ? <Lozenge>External</Lozenge> : null}</p>
          <p className="text-text-subtle">{request.email}</p>
        </div>
      </div>
      <dl className="mb-6 grid grid-cols-[10rem_1fr] gap-y-2">
        <dt className="text-text-subtle">Requested</dt>
        <dd>{request.createdAt.toISOString().slice(0, 10)}</dd>
        <dt className="text-text-subtle">Note</dt>
        <dd className="whitespace-pre-line">{request.note ?? '—'}</dd>
        {request.requestedBy ? (<><dt className="text-text-subtle">Requested by</dt><dd>{request.requestedBy.name}{request.space ? ` for ${request.space.name} (${request.space.key})` : ''}</dd></>) : null}
        <dt className="text-text-subtle">Status</dt>
        <dd>{request.state === 'PENDING' ? 'Pending' : request.state === 'APPROVED' ? `Approved by ${request.decidedBy?.name ?? 'a site admin'}` : `Denied by ${request.decidedBy?.name ?? 'a site admin'}`}</dd>
      </dl>
      {request.state === 'PENDING' ? (
        <div className="space-y-6">
          <ActionForm action={approveRequestAction} fields={{ requestId: request.id }} label="Approve" appearance="primary">
            <label htmlFor="role" className="mb-1 block text-xs font-semibold text-text-subtle">Jira role</label>
            <select id="role" name="role" defaultValue={fallback} className="mb-3 block rounded border border-border px-2 py-1">
              {JIRA_ROLES.map((r) => (
                <option key={r} value={r} disabled={r === 'GUEST' && !request.external}>{JIRA_ROLE_LABELS[r]}</option>
              ))}
            </select>
          </ActionForm>
          <ActionForm action={denyRequestAction} fields={{ requestId: request.id }} label="Deny" appearance="danger">
            <label htmlFor="message" className="mb-1 block text-xs font-semibold text-text-subtle">Message to {request.name} (optional)</label>
            <textarea id="message" name="message" maxLength={500} rows={3} className="mb-3 w-full rounded border border-border px-2 py-1.5" />
          </ActionForm>
        </div>
      ) : null}
    </div>
  );
}
