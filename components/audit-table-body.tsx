'use client';

import type { AuditTarget } from '@/lib/audit-log';
import { EmptyTableBody } from './empty-table-body';

/**
 * One audit event as the table shows it, formatted on the server. A client component so the page
 * carries a page of small records rather than rendered rows twice (see users-table-body.tsx).
 */
export type AuditTableRow = {
  id: string;
  /** ISO instant for <time dateTime>; `when` is what the admin reads (UTC). */
  iso: string;
  when: string;
  actor: { name: string; email: string } | null;
  actorName: string;
  action: string;
  target: AuditTarget;
  details: string;
  ip: string | null;
};

const NONE = <span className="subtlest">—</span>;

export function AuditTableBody({ rows, emptyMessage }: { rows: AuditTableRow[]; emptyMessage: string }) {
  if (rows.length === 0) return <EmptyTableBody columns={6} message={emptyMessage} />;
  return (
    <tbody>
      {rows.map((row) => (
        <tr key={row.id}>
          <td className="nowrap">
            <time dateTime={row.iso}>{row.when}</time>
          </td>
          <td>
            {row.actor ? (
              <>
                <div>{row.actor.name}</div>
                <div className="subtle">{row.actor.email}</div>
              </>
            ) : (
              <span className="subtle">{row.actorName}</span>
            )}
          </td>
          <td className="nowrap">{row.action}</td>
          <td className="break-all">
            {row.target.name !== null ? (
              <>
                <div className="break-normal">{row.target.name}</div>
                <div className="subtle">{row.target.email}</div>
              </>
            ) : (
              row.target.label || NONE
            )}
          </td>
          {/* Plain text: React escapes whatever a name, message or note contained. */}
          <td className="subtle max-w-md [overflow-wrap:anywhere]">{row.details || NONE}</td>
          <td className="subtle nowrap">{row.ip ?? NONE}</td>
        </tr>
      ))}
    </tbody>
  );
}
