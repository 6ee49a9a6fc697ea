import Link from 'next/link';
import { EXPIRING_SOON_DAYS, type UsersListQuery } from '@/lib/users/list';

const FIELD = 'rounded border border-border bg-surface px-2 py-1.5';
const LABEL = 'mb-1 block text-xs font-semibold text-text-subtle';

/** Search and filters as a plain GET form, so they work without JavaScript. */
export function UsersFilters({ query, clearHref }: { query: UsersListQuery; clearHref: string | null }) {
  return (
    <form method="get" action="/admin/users" role="search" aria-label="Search and filter users" className="mb-4 flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="users-q" className={LABEL}>
          Search by name or email
        </label>
        <input id="users-q" name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="Search users" className={`${FIELD} w-64`} />
      </div>
      <div>
        <label htmlFor="users-role" className={LABEL}>
          Jira role
        </label>
        <select id="users-role" name="role" defaultValue={query.role ?? ''} className={FIELD}>
          <option value="">All roles</option>
          <option value="guest">Guest</option>
          <option value="user">User</option>
          <option value="admin">Admin</option>
          <option value="none">No access</option>
        </select>
      </div>
      <div>
        <label htmlFor="users-status" className={LABEL}>
          Status
        </label>
        <select id="users-status" name="status" defaultValue={query.status ?? ''} className={FIELD}>
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="invited">Invited</option>
          <option value="suspended">Suspended</option>
        </select>
      </div>
      <div className="flex items-center gap-2 py-1.5">
        <input id="users-external" name="external" type="checkbox" value="1" defaultChecked={query.external} />
        <label htmlFor="users-external">External users only</label>
      </div>
      <div className="flex items-center gap-2 py-1.5">
        <input id="users-nospace" name="nospace" type="checkbox" value="1" defaultChecked={query.noSpace} />
        <label htmlFor="users-nospace">Guests without a space</label>
      </div>
      <div className="flex items-center gap-2 py-1.5">
        <input id="users-expiring" name="expiring" type="checkbox" value={String(EXPIRING_SOON_DAYS)} defaultChecked={query.expiring !== null} />
        <label htmlFor="users-expiring">Expiring in {EXPIRING_SOON_DAYS} days</label>
      </div>
      {/* Keep the chosen order when filters change. */}
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <button type="submit" className="rounded bg-neutral px-3 py-1.5 font-medium hover:bg-neutral-hovered">
        Apply
      </button>
      {clearHref ? (
        <Link href={clearHref} className="py-1.5 text-link hover:underline">
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
