import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { listWorkItems } from '@/lib/spaces/queries';
import { spaceForRequest } from '@/lib/spaces/for-request';
import { itemPath, STATUS_LABELS, STATUS_TONES } from '@/lib/work-items/schema';
import { NoAccess } from '@/components/no-access';
import { buttonClass } from '@/components/button';
import { WorkItemsTable } from '@/components/work-items-table';

export default async function SpacePage({ params }: { params: Promise<{ key: string }> }) {
  const viewer = await requireViewer();
  const { key } = await params;
  const space = await spaceForRequest(viewer, key);
  if (!space) return <main><NoAccess /></main>;
  const items = await listWorkItems(prisma, space);
  return (
    <main>
      <p className="text-text-subtle">Spaces / {space.name}</p>
      <div className="mb-6 flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">List</h1>
        {space.permissions.has('create') ? (
          <Link href={`/spaces/${space.key}/items/new`} className={buttonClass('primary')}>Create</Link>
        ) : null}
      </div>
      <WorkItemsTable
        rows={items.map((item) => ({
          id: item.id,
          key: item.key,
          href: itemPath(space.key, item.number),
          summary: item.summary,
          status: { label: STATUS_LABELS[item.status], tone: STATUS_TONES[item.status] },
          assignee: item.assignee?.name ?? 'Unassigned',
          updated: item.updatedAt.toISOString().slice(0, 10),
        }))}
      />
      {items.length === 0 ? <p className="mt-6 text-text-subtle">No work items yet.</p> : null}
    </main>
  );
}
