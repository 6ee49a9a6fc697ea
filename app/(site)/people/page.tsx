import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';
import { EmptyState } from '@/components/empty-state';

export const metadata = { title: 'People · Portico' };

export default async function PeoplePage() {
  const viewer = await viewerWith('experience.peopleDirectory');
  if (!viewer) return <main><NoAccess /></main>;
  return (
    <main className="px-10 py-8">
      <h1 className="text-2xl font-semibold">People</h1>
      <EmptyState title="Nothing here yet">
        <p>Find people and teams on this site.</p>
      </EmptyState>
    </main>
  );
}
