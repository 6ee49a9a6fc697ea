// POST /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore: Restore access (204).
// The same as POST /admin/v1/orgs/{orgId}/users/{accountId}/restore, in Atlassian's v2 path.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { assertDirectory, restoreUser } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; directoryId: string; accountId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, directoryId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => {
    assertDirectory(context, directoryId);
    return restoreUser(context, accountId);
  });
}
