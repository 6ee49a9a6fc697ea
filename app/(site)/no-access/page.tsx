import { NoAccess } from '@/components/no-access';
import { requireViewer } from '@/lib/auth/guard';

export default async function NoAccessPage() {
  await requireViewer();
  return (
    <main>
      <NoAccess />
    </main>
  );
}
