import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';

export const metadata = { title: 'Audit log · Settings · Portico' };

export default async function AuditLogPage() {
  const viewer = await viewerWith('admin.audit.view');
  if (!viewer) return <NoAccess />;
  return (
    <>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-2 max-w-2xl text-text-subtle">Administrative activity on this site will be listed here.</p>
    </>
  );
}
