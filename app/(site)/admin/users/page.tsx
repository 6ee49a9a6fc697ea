import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { can } from '@/lib/access/policy';
import {
  DEFAULT_USERS_QUERY,
  listSiteUsers,
  parseUsersListQuery,
  usersListHref,
  usersSortLinks,
  usersSummary,
} from '@/lib/users/list';
import { NoAccess } from '@/components/no-access';
import { UsersHeader } from '@/components/users-header';
import { UsersFilters } from '@/components/users-filters';
import { UsersTable } from '@/components/users-table';
import { Pagination } from '@/components/pagination';

export const metadata = { title: 'Users · Settings · Portico' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UsersPage({ searchParams }: Props) {
  const viewer = await viewerWith('admin.users.view');
  if (!viewer) return <NoAccess />;
  const query = parseUsersListQuery(await searchParams);
  const [page, summary] = await Promise.all([listSiteUsers(prisma, viewer, query), usersSummary(prisma, viewer)]);
  const filtered = Boolean(query.q || query.role || query.status || query.external || query.noSpace || query.expiring);
  const unpaged = { after: null, before: null };
  return (
    <>
      <UsersHeader
        inviteHref={can(viewer, 'admin.users.manage') ? '/admin/users/invite' : null}
        pendingRequests={can(viewer, 'admin.requests.manage') ? summary.pendingAccessRequests : null}
        exportHref={usersListHref(query, unpaged, '/admin/users/export')}
        licensedSeats={summary.licensedSeats}
        guestsUsed={summary.guestsUsed}
        guestAllowance={summary.guestAllowance}
      />
      <UsersFilters query={query} clearHref={filtered ? usersListHref(DEFAULT_USERS_QUERY, { sort: query.sort, dir: query.dir }) : null} />
      <UsersTable
        rows={page.rows}
        sortLinks={usersSortLinks(query)}
        emptyMessage={filtered ? 'No users match your search and filters.' : 'No users yet.'}
      />
      <Pagination
        previousHref={page.previous ? usersListHref(query, { ...unpaged, before: page.previous }) : null}
        nextHref={page.next ? usersListHref(query, { ...unpaged, after: page.next }) : null}
      />
    </>
  );
}
