// POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/search: the site's people (the Users
// list), by searchTerm, status and roleIds, a cursor page at a time. directoryId: "-" or the site id.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { searchUsers } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; directoryId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, directoryId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => searchUsers(context, directoryId));
}
