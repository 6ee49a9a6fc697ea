// DELETE /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}: Remove access (204).
// The same as DELETE /admin/v1/orgs/{orgId}/users/{accountId}, in Atlassian's v2 path.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { assertDirectory, removeUser } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; directoryId: string; accountId: string }> };

export async function DELETE(request: Request, { params }: Params): Promise<Response> {
  const { orgId, directoryId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => {
    assertDirectory(context, directoryId);
    return removeUser(context, accountId);
  });
}
