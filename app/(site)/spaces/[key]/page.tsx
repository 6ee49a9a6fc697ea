import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { findSpaceForViewer, listWorkItems, STATUS_LABELS } from '@/lib/spaces/queries';
import { NoAccess } from '@/components/no-access';
import { Lozenge } from '@/components/lozenge';

const STATUS_TONE = { TO_DO: 'default', IN_PROGRESS: 'information', DONE: 'success' } as const;

export default async function SpacePage({ params }: { params: Promise<{ key: string }> }) {
  const viewer = await requireViewer();
  const { key } = await params;
  const space = await findSpaceForViewer(prisma, viewer, key);
  if (!space) return <main><NoAccess /></main>;
  const items = await listWorkItems(prisma, space);
  return (
    <main>
      <p className="text-text-subtle">Spaces / {space.name}</p>
      <h1 className="mb-6 text-2xl font-semibold">List</h1>
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
              <td className="py-2 pr-4">{item.summary}</td>
              <td className="py-2 pr-4"><Lozenge tone={STATUS_TONE[item.status]}>{STATUS_LABELS[item.status]}</Lozenge></td>
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
