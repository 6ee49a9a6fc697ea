// Export audit log: the events the Audit log shows (same filters, every page) as a CSV download.
import { getViewer } from '@/lib/auth';
import { can } from '@/lib/access/policy';
import { prisma } from '@/lib/db/client';
import { auditLogCsv, auditLogExportFilename, parseAuditLogQuery } from '@/lib/audit-log';

export const dynamic = 'force-dynamic';

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

export async function GET(request: Request): Promise<Response> {
  const viewer = await getViewer();
  if (!viewer) return new Response('Sign in to export the audit log.', { status: 401, headers: TEXT });
  if (!can(viewer, 'admin.audit.view')) return new Response("You don't have access to this export.", { status: 403, headers: TEXT });

  const query = parseAuditLogQuery(new URL(request.url).searchParams);
  const chunks = auditLogCsv(prisma, viewer, query)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  // Pulled batch by batch as the client reads, so a long log never sits in memory at once.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${auditLogExportFilename()}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
