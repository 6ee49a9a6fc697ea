import Link from 'next/link';
import { UsersTableBody, type UsersTableRow } from './users-table-body';
import {
  formatListDate,
  roleLabel,
  spaceLabel,
  statusLabel,
  type UserListRow,
  type UsersSort,
  type UsersSortLink,
} from '@/lib/users/list';

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;
const ROLE_TONE = { GUEST: 'discovery', USER: 'default', ADMIN: 'information' } as const;

function SortableHeader({ label, link }: { label: string; link: UsersSortLink }) {
  return (
    <th scope="col" aria-sort={link.active ? ARIA_SORT[link.active] : undefined} className="px-2 py-2 font-semibold whitespace-nowrap">
      <Link href={link.href} aria-label={`${label}, sort ${ARIA_SORT[link.next]}`} className="inline-flex items-center gap-1 rounded hover:text-text hover:underline">
        {label}
        <span aria-hidden="true" className="w-3 text-text-subtlest">
          {link.active === 'asc' ? '↑' : link.active === 'desc' ? '↓' : ''}
        </span>
      </Link>
    </th>
  );
}

const STATUS_TONE: Record<UserListRow['status'], UsersTableRow['status']['tone']> = {
  ACTIVE: null,
  SUSPENDED: 'danger',
  INVITED: 'subtle',
  INVITATION_EXPIRED: 'warning',
};

/** A row as the table shows it (UsersTableBody renders it in the browser's bundle). */
function tableRow(row: UserListRow): UsersTableRow {
  return {
    key: `${row.kind}:${row.id}`,
    // Invited people: their invitation (delivery state, Resend invite, Revoke invite).
    href: row.userId ? `/admin/users/${row.userId}` : `/admin/invitations/${row.id}`,
    name: row.name,
    email: row.email,
    external: row.external,
    role: { label: roleLabel(row), tone: row.jiraRole ? ROLE_TONE[row.jiraRole] : null },
    // "Invited Nov 27, 2026" may wrap in a narrow window, but never inside the date.
    status: { label: statusLabel(row).replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}$/, (date) => date.replace(/ /g, '\u00a0')), tone: STATUS_TONE[row.status] },
    space: spaceLabel(row),
    lastActive: row.lastActiveAt ? formatListDate(row.lastActiveAt) : 'Never',
    added: formatListDate(row.addedAt),
  };
}

/** Atlassian's dynamic table for Settings → Users: dense rows, sortable headers. */
export function UsersTable({ rows, sortLinks, emptyMessage }: { rows: UserListRow[]; sortLinks: Record<UsersSort, UsersSortLink>; emptyMessage: string }) {
  return (
    <div className="overflow-x-auto">
    <table className="dense-table w-full text-left">
      <caption className="sr-only">People on this site and pending invitations</caption>
      <thead className="border-b-2 border-border text-xs text-text-subtle">
        <tr>
          <SortableHeader label="Name" link={sortLinks.name} />
          <SortableHeader label="Email" link={sortLinks.email} />
          <th scope="col" className="px-2 py-2 font-semibold">Jira role</th>
          <th scope="col" className="px-2 py-2 font-semibold">Status</th>
          <th scope="col" className="px-2 py-2 font-semibold">Space</th>
          <SortableHeader label="Last active" link={sortLinks.lastActive} />
          <SortableHeader label="Added" link={sortLinks.added} />
        </tr>
      </thead>
      <UsersTableBody rows={rows.map(tableRow)} emptyMessage={emptyMessage} />
    </table>
    </div>
  );
}
