// Export external users: everyone on the site outside the verified domains, as a CSV download.
import { getViewer } from '@/lib/auth';
import { can } from '@/lib/access/policy';
import { prisma } from '@/lib/db/client';
import { externalUsersCsv, externalUsersExportFilename } from '@/lib/security/policy';

export const dynamic = 'force-dynamic';

const text = (body: string, status: number) => new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

export async function GET(): Promise<Response> {
  const viewer = await getViewer();
  if (!viewer) return text('Sign in to export external users.', 401);
  if (!can(viewer, 'admin.security.manage')) return text("You don't have access to this export.", 403);
  const csv = await externalUsersCsv(prisma, viewer);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${externalUsersExportFilename()}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
