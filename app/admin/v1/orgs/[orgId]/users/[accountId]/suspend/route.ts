// POST /admin/v1/orgs/{orgId}/users/{accountId}/suspend: Suspend access (204).
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { suspendUser } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; accountId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => suspendUser(context, accountId));
}
