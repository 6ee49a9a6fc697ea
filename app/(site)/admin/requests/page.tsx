import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { listPendingRequests } from '@/lib/requests/access-requests';
import { NoAccess } from '@/components/no-access';
import { Avatar } from '@/components/avatar';
import { Lozenge } from '@/components/lozenge';
import { MoreActions } from '@/components/more-actions';
import { ActionForm } from '@/components/action-form';
import { buttonClass } from '@/components/button';
import { Pagination } from '@/components/pagination';
import { approveRequestAction } from '../actions';
import { formatUtcDate } from '@/lib/dates';

export const metadata = { title: 'Approve requests · Settings · Portico' };

const formatDate = formatUtcDate;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const cursorParam = (value: string | string[] | undefined) => (typeof value === 'string' && value.length <= 200 ? value : null);
const pageHref = (cursor: { after?: string; before?: string }) => `/admin/requests?${new URLSearchParams(cursor).toString()}`;

export default async function ApproveRequestsPage({ searchParams }: Props) {
  const viewer = await viewerWith('admin.requests.manage');
  if (!viewer) return <NoAccess />;
  const params = await searchParams;
  const page = await listPendingRequests(prisma, viewer, { after: cursorParam(params.after), before: cursorParam(params.before) });
  const requests = page.rows;
  return (
    <>
      <h1 className="text-2xl font-semibold">Approve requests</h1>
      <p className="mt-2 mb-6 max-w-2xl text-text-subtle">People who asked to join {viewer.site.name}. Select a request to see more, then approve or deny it.</p>
      {requests.length === 0 ? (
        <p className="text-text-subtle">No access requests right now.</p>
      ) : (
        <table className="w-full text-left">
          <thead className="border-b-2 border-border text-xs text-text-subtle">
            <tr>
              <th className="py-2 pr-4 font-semibold">Requester</th>
              <th className="py-2 pr-4 font-semibold">Requested</th>
              <th className="py-2 pr-4 font-semibold">Note</th>
              <th className="py-2 pr-4 font-semibold"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} className="border-b border-border align-top">
                <td className="py-2 pr-4">
                  <div className="flex items-center gap-2">
                    <Avatar name={r.name} size={32} />
                    <div>
                      <p className="font-medium">{r.name} {r.external ? <Lozenge>External</Lozenge> : null}</p>
                      <p className="text-text-subtle">{r.email}</p>
                      {r.requestedBy ? <p className="text-xs text-text-subtlest">Requested by {r.requestedBy.name}{r.space ? ` for ${r.space.name} (${r.space.key})` : ''}</p> : null}
                    </div>
                  </div>
                </td>
                <td className="py-2 pr-4 whitespace-nowrap">{formatDate(r.createdAt)}</td>
                <td className="max-w-sm py-2 pr-4 whitespace-pre-line text-text-subtle">{r.note ?? '—'}</td>
                <td className="py-2 pr-4">
                  <div className="flex items-center gap-1">
                    <Link href={`/admin/requests/${r.id}`} className={buttonClass('default')} aria-label={`Review request from ${r.name}`}>Review</Link>
                    <MoreActions label={`More actions for ${r.name}`}>
                      <ActionForm action={approveRequestAction} fields={{ requestId: r.id }} label="Approve" appearance="subtle" />
                    </MoreActions>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination
        previousHref={page.previous ? pageHref({ before: page.previous }) : null}
        nextHref={page.next ? pageHref({ after: page.next }) : null}
      />
    </>
  );
}
