import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';
import { EmptyState } from '@/components/empty-state';

export const metadata = { title: 'Goals · Portico' };

export default async function GoalsPage() {
  const viewer = await viewerWith('experience.goals');
  if (!viewer) return <main><NoAccess /></main>;
  return (
    <main className="px-10 py-8">
      <h1 className="text-2xl font-semibold">Goals</h1>
      <EmptyState title="Nothing here yet">
        <p>Goals connect work to what your organization wants to achieve.</p>
      </EmptyState>
    </main>
  );
}
