import { redirect } from 'next/navigation';
import { requireViewer } from '@/lib/auth/guard';
import { homePath } from '@/lib/access/policy';
import { EmptyState } from '@/components/empty-state';

export const metadata = { title: 'No space yet · Portico' };

export default async function NoSpacePage() {
  const viewer = await requireViewer();
  if (homePath(viewer) !== '/no-space') redirect(homePath(viewer));
  return (
    <main>
      <EmptyState title="You haven't been added to a space yet">
        <p>
          You&apos;re a guest on {viewer.site.name}. A space admin needs to add you to a space before you can see any work.
          Contact the person who invited you.
        </p>
      </EmptyState>
    </main>
  );
}
