import { formatAuditDate, type AuditLogRow } from '@/lib/audit-log';

const CELL = 'px-2 py-1.5 align-top';
const NONE = <span className="text-text-subtlest">—</span>;

/** Atlassian Administration's audit log: a dense table of plain text, newest first. */
export function AuditTable({ rows, emptyMessage }: { rows: AuditLogRow[]; emptyMessage: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
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
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-2 py-8 text-center text-text-subtle">
                {emptyMessage}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id} className="border-b border-border hover:bg-hovered">
                <td className={`${CELL} whitespace-nowrap`}>
                  <time dateTime={row.createdAt.toISOString()}>{formatAuditDate(row.createdAt)}</time>
                </td>
                <td className={CELL}>
                  {row.actor ? (
                    <>
                      <div>{row.actor.name}</div>
                      <div className="text-text-subtle">{row.actor.email}</div>
                    </>
                  ) : (
                    <span className="text-text-subtle">{row.actorName}</span>
                  )}
                </td>
                <td className={`${CELL} whitespace-nowrap`}>{row.actionLabel}</td>
                <td className={`${CELL} break-all`}>
                  {row.target.name !== null ? (
                    <>
                      <div className="break-normal">{row.target.name}</div>
                      <div className="text-text-subtle">{row.target.email}</div>
                    </>
                  ) : (
                    row.target.label || NONE
                  )}
                </td>
                {/* Plain text: React escapes whatever a name, message or note contained. */}
                <td className={`${CELL} max-w-md text-text-subtle [overflow-wrap:anywhere]`}>{row.details || NONE}</td>
                <td className={`${CELL} whitespace-nowrap text-text-subtle`}>{row.ip ?? NONE}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
