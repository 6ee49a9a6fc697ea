'use client';

import Link from 'next/link';
import { Avatar } from './avatar';
import { Lozenge, type LozengeTone } from './lozenge';
import { EmptyTableBody } from './empty-table-body';

/**
 * One row of Settings → Users, every text already formatted on the server. The rows are a client
 * component on purpose: the page then carries 50 small records instead of 50 rendered row trees in
 * its React payload, and the server renders each row once instead of twice (RSC, then HTML).
 */
export type UsersTableRow = {
  key: string;
  href: string;
  name: string;
  email: string;
  external: boolean;
  role: { label: string; tone: LozengeTone | null };
  status: { label: string; tone: LozengeTone | 'subtle' | null };
  space: string | null;
  lastActive: string;
  added: string;
};

export function UsersTableBody({ rows, emptyMessage }: { rows: UsersTableRow[]; emptyMessage: string }) {
  if (rows.length === 0) return <EmptyTableBody columns={7} message={emptyMessage} />;
  return (
    <tbody>
      {rows.map((row) => (
        <tr key={row.key}>
          <td>
            <div className="person">
              <Avatar name={row.name} size={24} />
              <Link href={row.href} prefetch={false} className="row-link">
                {row.name}
              </Link>
              {row.external ? <Lozenge>External</Lozenge> : null}
            </div>
          </td>
          <td className="subtle">{row.email}</td>
          <td>{row.role.tone ? <Lozenge tone={row.role.tone}>{row.role.label}</Lozenge> : <span className="subtle">{row.role.label}</span>}</td>
          <td>
            {row.status.tone === 'subtle' ? (
              <span className="subtle">{row.status.label}</span>
            ) : row.status.tone ? (
              <Lozenge tone={row.status.tone}>{row.status.label}</Lozenge>
            ) : (
              row.status.label
            )}
          </td>
          <td>{row.space ?? <span className="subtlest">—</span>}</td>
          <td className="nowrap">{row.lastActive}</td>
          <td className="nowrap">{row.added}</td>
        </tr>
      ))}
    </tbody>
  );
}
