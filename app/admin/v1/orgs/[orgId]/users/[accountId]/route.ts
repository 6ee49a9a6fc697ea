// DELETE /admin/v1/orgs/{orgId}/users/{accountId}: Remove access (204): roles, spaces, sessions,
// API tokens and pending invitations go; the person stays on the Users list with no access.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { removeUser } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; accountId: string }> };

export async function DELETE(request: Request, { params }: Params): Promise<Response> {
  const { orgId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => removeUser(context, accountId));
}
