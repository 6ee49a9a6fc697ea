// Export users: the Users list's rows (same filters, every page) as a CSV download.
import { getViewer } from '@/lib/auth';
import { can } from '@/lib/access/policy';
import { prisma } from '@/lib/db/client';
import { parseUsersListQuery, siteUsersCsv, usersExportFilename } from '@/lib/users/list';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const viewer = await getViewer();
  if (!viewer) return new Response('Sign in to export users.', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  if (!can(viewer, 'admin.users.view')) {
    return new Response("You don't have access to this export.", { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }

  const query = parseUsersListQuery(new URL(request.url).searchParams);
  const chunks = siteUsersCsv(prisma, viewer, query)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  // Pulled batch by batch as the client reads, so a large site never sits in memory at once.
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
      'Content-Disposition': `attachment; filename="${usersExportFilename()}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
