import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';

export const metadata = { title: 'Approve requests · Settings · Portico' };

export default async function ApproveRequestsPage() {
  const viewer = await viewerWith('admin.requests.manage');
  if (!viewer) return <NoAccess />;
  return (
    <>
      <h1 className="text-2xl font-semibold">Approve requests</h1>
      <p className="mt-2 max-w-2xl text-text-subtle">No access requests right now.</p>
    </>
  );
}
