import { viewerWith } from '@/lib/auth/guard';
import { NoAccess } from '@/components/no-access';

export const metadata = { title: 'Signed in · Portico' };

// The benchmark's framework floor (npm run bench): a signed-in dynamic page that does what every
// page does (session, viewer from the database, the policy, the site layout) and nothing else.
export default async function PingPage() {
  const viewer = await viewerWith('jira.use');
  if (!viewer) return <main><NoAccess /></main>;
  return (
    <main className="px-10 py-8">
      <p>Signed in to {viewer.site.name}.</p>
    </main>
  );
}
