import Link from 'next/link';
import { requireViewer } from '@/lib/auth/guard';
import { spaceForRequest } from '@/lib/spaces/for-request';
import { MoreActions } from '@/components/more-actions';

// The space sidebar. Pages below check access themselves as well: layouts and pages render independently.
export default async function SpaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ key: string }> }) {
  const viewer = await requireViewer();
  const { key } = await params;
  const space = await spaceForRequest(viewer, key);
  if (!space) return <>{children}</>;
  return (
    <div className="flex">
      <aside className="min-h-[calc(100vh-3.5rem)] w-60 shrink-0 border-r border-border bg-sunken p-4">
        <div className="flex items-start justify-between gap-1">
          <div>
            <p className="text-xs text-text-subtlest">Space</p>
            <p className="font-semibold">{space.name}</p>
          </div>
          {space.permissions.has('administer') ? (
            <MoreActions label={`More actions for ${space.name}`}>
              <Link href={`/spaces/${space.key}/settings/people`} className="block rounded px-2 py-1.5 hover:bg-neutral">
                Space settings
              </Link>
            </MoreActions>
          ) : null}
        </div>
        <nav aria-label="Space" className="mt-4">
          <ul>
            <li>
              <Link href={`/spaces/${space.key}`} className="block rounded px-2 py-1.5 font-medium text-text-subtle hover:bg-neutral">
                List
              </Link>
            </li>
          </ul>
        </nav>
      </aside>
      <div className="min-w-0 flex-1 px-8 py-6">{children}</div>
    </div>
  );
}
