import { formatAuditDate, type AuditLogRow } from '@/lib/audit-log';
import { AuditTableBody, type AuditTableRow } from './audit-table-body';

function tableRow(row: AuditLogRow): AuditTableRow {
  const { id, actor, actorName, target, details, ip } = row;
  return {
    id,
    iso: row.createdAt.toISOString(),
    when: formatAuditDate(row.createdAt),
    actor: actor ? { name: actor.name, email: actor.email } : null,
    actorName,
    action: row.actionLabel,
    target,
    details,
    ip,
  };
}

/** Atlassian Administration's audit log: a dense table of plain text, newest first. */
export function AuditTable({ rows, emptyMessage }: { rows: AuditLogRow[]; emptyMessage: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="dense-table w-full text-left text-sm [&_td]:align-top">
        <caption className="sr-only">Administrative activity on this site, newest first (times in UTC)</caption>
        <thead className="border-b-2 border-border text-xs text-text-subtle">
          <tr>
            <th scope="col" className="px-2 py-2 font-semibold whitespace-nowrap">
              Date (UTC)
            </th>
            <th scope="col" className="px-2 py-2 font-semibold">Actor</th>
            <th scope="col" className="px-2 py-2 font-semibold">Action</th>
            <th scope="col" className="px-2 py-2 font-semibold">Target</th>
            <th scope="col" className="px-2 py-2 font-semibold">Details</th>
            <th scope="col" className="px-2 py-2 font-semibold">IP</th>
          </tr>
        </thead>
        <AuditTableBody rows={rows.map(tableRow)} emptyMessage={emptyMessage} />
      </table>
    </div>
  );
}
