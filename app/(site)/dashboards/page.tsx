import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';
import { EmptyState } from '@/components/empty-state';

export const metadata = { title: 'Dashboards · Portico' };

export default async function DashboardsPage() {
  const viewer = await viewerWith('experience.dashboards');
  if (!viewer) return <main><NoAccess /></main>;
  return (
    <main className="px-10 py-8">
      <h1 className="text-2xl font-semibold">Dashboards</h1>
      <EmptyState title="Nothing here yet">
        <p>Dashboards give an overview of work across spaces.</p>
      </EmptyState>
    </main>
  );
}
