import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { auditLogHref, isAuditLogFiltered, listAuditEvents, parseAuditLogQuery, DEFAULT_AUDIT_LOG_QUERY } from '@/lib/audit-log';
import { NoAccess } from '@/components/no-access';
import { AuditFilters } from '@/components/audit-filters';
import { AuditTable } from '@/components/audit-table';
import { Pagination } from '@/components/pagination';

export const metadata = { title: 'Audit log · Settings · Portico' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditLogPage({ searchParams }: Props) {
  const viewer = await viewerWith('admin.audit.view');
  if (!viewer) return <NoAccess />;
  const query = parseAuditLogQuery(await searchParams);
  const page = await listAuditEvents(prisma, viewer, query);
  const filtered = isAuditLogFiltered(query);
  const unpaged = { after: null, before: null };
  return (
    <>
      <header className="mb-6 flex flex-wrap items-start gap-4">
        <div className="mr-auto">
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="mt-2 max-w-2xl text-text-subtle">Administrative activity on {viewer.site.name}: invitations, access requests, roles, spaces and billing. Times are in UTC.</p>
        </div>
        {/* A plain link: the export is a file download from a route handler, not a page. */}
        <a href={auditLogHref(query, unpaged, '/admin/audit-log/export')} className="inline-flex items-center gap-2 rounded bg-neutral px-3 py-1.5 font-medium hover:bg-neutral-hovered">
          Export<span className="sr-only"> the audit log as CSV</span>
        </a>
      </header>
      <AuditFilters query={query} clearHref={filtered ? auditLogHref(DEFAULT_AUDIT_LOG_QUERY) : null} />
      <AuditTable rows={page.rows} emptyMessage={filtered ? 'No activity matches these filters.' : 'No activity yet.'} />
      <Pagination
        previousHref={page.previous ? auditLogHref(query, { ...unpaged, before: page.previous }) : null}
        nextHref={page.next ? auditLogHref(query, { ...unpaged, after: page.next }) : null}
      />
    </>
  );
}
