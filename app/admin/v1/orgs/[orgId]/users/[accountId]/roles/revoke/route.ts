// POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/revoke: take a Jira role away
// ({"role", "resource"}). Revoking the Guest or User role held is Remove access; revoking Admin
// leaves a User (lib/org-api/users.ts revokeRole). 204.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { revokeRole } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; accountId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => revokeRole(context, accountId));
}
