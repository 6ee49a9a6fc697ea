import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { listSpacePeople } from '@/lib/spaces/people';
import { MAX_SPACE_PEOPLE_SEARCH } from '@/lib/spaces/people.schema';
import { NoAccess } from '@/components/no-access';
import { AddPeopleDialog } from '@/components/add-people-dialog';
import { SpacePeopleTable } from '@/components/space-people-table';
import { Pagination } from '@/components/pagination';
import { addPeopleAction, changeSpaceRoleAction, removeFromSpaceAction, requestAccessForAction, searchSitePeopleAction } from './actions';

export const metadata = { title: 'People · Space settings · Portico' };

const FIELD = 'rounded border border-border bg-surface px-2 py-1.5';
const count = (n: number) => n.toLocaleString('en-US');

export default async function SpacePeoplePage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireViewer();
  const { key } = await params;
  const query = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';
  const cursor = (value: string | string[] | undefined) => (first(value).length <= 1000 ? first(value) : null);
  const list = await listSpacePeople(prisma, viewer, key, first(query.q), { after: cursor(query.after), before: cursor(query.before) });
  if (!list) return <main><NoAccess /></main>;
  const { space, people } = list;
  const base = `/spaces/${space.key}/settings/people`;
  const pageHref = (page: { after?: string; before?: string }) => `${base}?${new URLSearchParams({ ...(list.q ? { q: list.q } : {}), ...page }).toString()}`;
  const onePage = !list.next && !list.previous;
  return (
    <main>
      <nav aria-label="Breadcrumbs">
        <ol className="flex flex-wrap items-center gap-1 text-text-subtle">
          <li><Link href="/spaces" className="hover:underline">Spaces</Link></li>
          <li aria-hidden="true">/</li>
          <li><Link href={`/spaces/${space.key}`} className="hover:underline">{space.name}</Link></li>
          <li aria-hidden="true">/</li>
          <li><span aria-current="page">Space settings</span></li>
        </ol>
      </nav>
      <div className="mt-2 mb-4 flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">People</h1>
        <AddPeopleDialog spaceKey={space.key} spaceName={space.name} search={searchSitePeopleAction} add={addPeopleAction} requestAccess={requestAccessForAction} />
      </div>
      <p className="mb-4 max-w-2xl text-text-subtle">
        Everyone with a role in {space.name}. A guest can belong to one space on this site, and only with the Guest role.
      </p>

      <form method="get" action={base} role="search" aria-label={`Search people in ${space.name}`} className="mb-4 flex items-end gap-2">
        <div>
          <label htmlFor="space-people-q" className="mb-1 block text-xs font-semibold text-text-subtle">Search by name or email</label>
          <input id="space-people-q" name="q" type="search" defaultValue={list.q} maxLength={MAX_SPACE_PEOPLE_SEARCH} placeholder="Search people" className={`${FIELD} w-64`} />
        </div>
        <button type="submit" className="rounded bg-neutral px-3 py-1.5 font-medium hover:bg-neutral-hovered">Search</button>
        {list.q ? <Link href={base} className="py-1.5 text-link hover:underline">Clear</Link> : null}
      </form>

      <SpacePeopleTable
        spaceKey={space.key}
        spaceName={space.name}
        people={people}
        emptyMessage={list.q ? `No one in ${space.name} matches “${list.q}”.` : `No one is in ${space.name} yet.`}
        changeRole={changeSpaceRoleAction}
        remove={removeFromSpaceAction}
      />
      <Pagination
        previousHref={list.previous ? pageHref({ before: list.previous }) : null}
        nextHref={list.next ? pageHref({ after: list.next }) : null}
      />
      <p className="mt-3 text-xs text-text-subtlest" role="status">
        {!list.q
          ? `${count(list.total)} ${list.total === 1 ? 'person' : 'people'}`
          : onePage
            ? `${people.length} of ${count(list.total)} ${list.total === 1 ? 'person' : 'people'}`
            : `People matching “${list.q}” among ${count(list.total)}`}
      </p>
    </main>
  );
}
