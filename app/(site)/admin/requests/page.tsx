import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { listPendingRequests } from '@/lib/requests/access-requests';
import { NoAccess } from '@/components/no-access';
import { RequestsTable } from '@/components/requests-table';
import { Pagination } from '@/components/pagination';
import { formatUtcDate } from '@/lib/dates';

export const metadata = { title: 'Approve requests · Settings · Portico' };

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
        <p className="text-text-subtle">{page.previous ? 'No more access requests.' : 'No access requests right now.'}</p>
      ) : (
        <RequestsTable
          rows={requests.map((r) => ({
            id: r.id,
            name: r.name,
            email: r.email,
            external: r.external,
            requestedBy: r.requestedBy ? `Requested by ${r.requestedBy.name}${r.space ? ` for ${r.space.name} (${r.space.key})` : ''}` : null,
            requested: formatUtcDate(r.createdAt),
            note: r.note,
          }))}
        />
      )}
      <Pagination
        previousHref={page.previous ? pageHref({ before: page.previous }) : null}
        nextHref={page.next ? pageHref({ after: page.next }) : null}
      />
    </>
  );
}
