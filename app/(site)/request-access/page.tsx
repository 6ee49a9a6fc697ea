import { redirect } from 'next/navigation';
import { requireViewer } from '@/lib/auth/guard';
import { homePath } from '@/lib/access/policy';
import { EmptyState } from '@/components/empty-state';

export const metadata = { title: 'Request access · Portico' };

export default async function RequestAccessPage() {
  const viewer = await requireViewer();
  if (viewer.siteAccess) redirect(homePath(viewer));
  return (
    <main>
      <EmptyState title={`You don't have access to ${viewer.site.name}`}>
        <p>You&apos;re signed in as {viewer.email}. Ask a site admin to invite you, or request access.</p>
      </EmptyState>
    </main>
  );
}
