// Export users: the Users list's rows (same filters, every page) as a CSV download.
import { getViewer } from '@/lib/auth';
import { can } from '@/lib/access/policy';
import { prisma } from '@/lib/db/client';
import { csvDownload, downloadRefusal } from '@/lib/csv-response';
import { parseUsersListQuery, siteUsersCsv, usersExportFilename } from '@/lib/users/list';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const viewer = await getViewer();
  if (!viewer) return downloadRefusal(401, 'Sign in to export users.');
  if (!can(viewer, 'admin.users.view')) return downloadRefusal(403, "You don't have access to this export.");
  const query = parseUsersListQuery(new URL(request.url).searchParams);
  return csvDownload(siteUsersCsv(prisma, viewer, query), usersExportFilename());
}
