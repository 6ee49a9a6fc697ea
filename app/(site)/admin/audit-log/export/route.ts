// Export audit log: the events the Audit log shows (same filters, every page) as a CSV download.
import { getViewer } from '@/lib/auth';
import { can } from '@/lib/access/policy';
import { prisma } from '@/lib/db/client';
import { csvDownload, downloadRefusal } from '@/lib/csv-response';
import { auditLogCsv, auditLogExportFilename, parseAuditLogQuery } from '@/lib/audit-log';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const viewer = await getViewer();
  if (!viewer) return downloadRefusal(401, 'Sign in to export the audit log.');
  if (!can(viewer, 'admin.audit.view')) return downloadRefusal(403, "You don't have access to this export.");
  const query = parseAuditLogQuery(new URL(request.url).searchParams);
  return csvDownload(auditLogCsv(prisma, viewer, query), auditLogExportFilename());
}
