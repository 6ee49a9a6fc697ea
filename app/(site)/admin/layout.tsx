import { viewerWith } from '@/lib/auth/guard';
import { AdminSidebar } from '@/components/admin-sidebar';
import { NoAccess } from '@/components/no-access';

// Each admin page checks the policy itself too: layouts and pages render independently.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const viewer = await viewerWith('admin.users.view');
  if (!viewer) return <main><NoAccess /></main>;
  return (
    <div className="flex">
      <AdminSidebar />
      <main className="min-w-0 flex-1 px-10 py-8">{children}</main>
    </div>
  );
}
