import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';

export const metadata = { title: 'Billing · Settings · Portico' };

export default async function BillingPage() {
  const viewer = await viewerWith('admin.billing.manage');
  if (!viewer) return <NoAccess />;
  return (
    <>
      <h1 className="text-2xl font-semibold">Billing</h1>
      <p className="mt-2 max-w-2xl text-text-subtle">Your plan and licensed seats.</p>
    </>
  );
}
