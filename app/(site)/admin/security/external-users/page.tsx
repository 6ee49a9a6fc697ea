import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';

export const metadata = { title: 'External users · Settings · Portico' };

export default async function ExternalUsersPage() {
  const viewer = await viewerWith('admin.security.manage');
  if (!viewer) return <NoAccess />;
  return (
    <>
      <h1 className="text-2xl font-semibold">External users</h1>
      <p className="mt-2 max-w-2xl text-text-subtle">Security settings for people outside your organization’s verified domains: two-step verification, session expiration and API token access.</p>
    </>
  );
}
