import Link from 'next/link';
import { Avatar } from './avatar';
import { Lozenge } from './lozenge';
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

function Status({ row }: { row: UserListRow }) {
  if (row.status === 'SUSPENDED') return <Lozenge tone="danger">Suspended</Lozenge>;
  if (row.status === 'INVITATION_EXPIRED') return <Lozenge tone="warning">Invitation expired</Lozenge>;
  return <span className={row.status === 'INVITED' ? 'text-text-subtle' : undefined}>{statusLabel(row)}</span>;
}

/** Atlassian's dynamic table for Settings → Users: dense rows, sortable headers. */
export function UsersTable({ rows, sortLinks, emptyMessage }: { rows: UserListRow[]; sortLinks: Record<UsersSort, UsersSortLink>; emptyMessage: string }) {
  return (
    <div className="overflow-x-auto">
    <table className="w-full text-left">
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
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={7} className="px-2 py-8 text-center text-text-subtle">
              {emptyMessage}
            </td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr key={`${row.kind}:${row.id}`} className="border-b border-border hover:bg-hovered">
              <td className="px-2 py-1.5">
                <div className="flex items-center gap-2">
                  <Avatar name={row.name} size={24} />
                  {row.userId ? (
                    <Link href={`/admin/users/${row.userId}`} className="font-medium text-link hover:underline">
                      {row.name}
                    </Link>
                  ) : (
                    // Invited people: their invitation (delivery state, Resend invite, Revoke invite).
                    <Link href={`/admin/invitations/${row.id}`} className="font-medium text-link hover:underline">
                      {row.name}
                    </Link>
                  )}
                  {row.external ? <Lozenge>External</Lozenge> : null}
                </div>
              </td>
              <td className="px-2 py-1.5 text-text-subtle">{row.email}</td>
              <td className="px-2 py-1.5">
                {row.jiraRole ? <Lozenge tone={ROLE_TONE[row.jiraRole]}>{roleLabel(row)}</Lozenge> : <span className="text-text-subtle">{roleLabel(row)}</span>}
              </td>
              <td className="px-2 py-1.5 whitespace-nowrap">
                <Status row={row} />
              </td>
              <td className="px-2 py-1.5">{spaceLabel(row) ?? <span className="text-text-subtlest">—</span>}</td>
              <td className="px-2 py-1.5 whitespace-nowrap">{row.lastActiveAt ? formatListDate(row.lastActiveAt) : 'Never'}</td>
              <td className="px-2 py-1.5 whitespace-nowrap">{formatListDate(row.addedAt)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
    </div>
  );
}
