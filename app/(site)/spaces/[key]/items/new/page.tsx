import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { spaceForRequest } from '@/lib/spaces/for-request';
import { assignablePeople } from '@/lib/work-items/queries';
import { NoAccess } from '@/components/no-access';
import { WorkItemCreateForm } from '@/components/work-item-create-form';
import { createWorkItemAction } from '../actions';

export const metadata = { title: 'Create work item · Portico' };

export default async function CreateWorkItemPage({ params }: { params: Promise<{ key: string }> }) {
  const viewer = await requireViewer();
  const { key } = await params;
  const space = await spaceForRequest(viewer, key);
  if (!space || !space.permissions.has('create')) return <main><NoAccess /></main>;
  const people = space.permissions.has('assign') ? await assignablePeople(prisma, viewer, space.key) : null;
  return (
    <main>
      <p className="text-text-subtle">Spaces / {space.name}</p>
      <h1 className="mb-6 text-2xl font-semibold">Create work item</h1>
      <WorkItemCreateForm spaceKey={space.key} spaceName={space.name} people={people} action={createWorkItemAction} />
    </main>
  );
}
