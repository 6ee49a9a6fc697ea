import { requireViewer } from '@/lib/auth/guard';
import { topNavigation } from '@/lib/navigation';
import { canManageOwnApiTokens } from '@/lib/api-tokens';
import { TopNav } from '@/components/top-nav';
import { signOutAction } from '@/app/actions/session';

export default async function SiteLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireViewer();
  const nav = topNavigation(viewer);
  return (
    <>
      <TopNav siteName={viewer.site.name} items={nav.items} settings={nav.settings} apps={nav.apps}
        user={{ name: viewer.name, email: viewer.email }} signOut={signOutAction}
        accountLinks={canManageOwnApiTokens(viewer)} />
      <div className="min-h-[calc(100vh-3.5rem)]">{children}</div>
    </>
  );
}
