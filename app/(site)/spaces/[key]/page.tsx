import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { findSpaceForViewer, listWorkItems } from '@/lib/spaces/queries';
import { itemPath } from '@/lib/work-items/schema';
import { NoAccess } from '@/components/no-access';
import { buttonClass } from '@/components/button';
import { WorkItemStatusLozenge } from '@/components/work-item-status-lozenge';

export default async function SpacePage({ params }: { params: Promise<{ key: string }> }) {
  const viewer = await requireViewer();
  const { key } = await params;
  const space = await findSpaceForViewer(prisma, viewer, key);
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
      <table className="w-full text-left">
        <thead className="border-b-2 border-border text-xs text-text-subtle">
          <tr>
            <th className="py-2 pr-4 font-semibold">Key</th>
            <th className="py-2 pr-4 font-semibold">Summary</th>
            <th className="py-2 pr-4 font-semibold">Status</th>
            <th className="py-2 pr-4 font-semibold">Assignee</th>
            <th className="py-2 pr-4 font-semibold">Updated</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} className="border-b border-border">
              <td className="py-2 pr-4 whitespace-nowrap text-text-subtle">{item.key}</td>
              <td className="py-2 pr-4">
                <Link href={itemPath(space.key, item.number)} className="text-link hover:underline">{item.summary}</Link>
              </td>
              <td className="py-2 pr-4"><WorkItemStatusLozenge status={item.status} /></td>
              <td className="py-2 pr-4">{item.assignee?.name ?? 'Unassigned'}</td>
              <td className="py-2 pr-4 whitespace-nowrap text-text-subtle">{item.updatedAt.toISOString().slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 ? <p className="mt-6 text-text-subtle">No work items yet.</p> : null}
    </main>
  );
}
