import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth';
import { homePath } from '@/lib/access/policy';

export default async function Home() {
  const viewer = await getViewer();
  redirect(viewer ? homePath(viewer) : '/login');
}
