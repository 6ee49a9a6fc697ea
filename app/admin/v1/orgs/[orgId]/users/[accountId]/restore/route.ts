// POST /admin/v1/orgs/{orgId}/users/{accountId}/restore: Restore access (204).
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { restoreUser } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; accountId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => restoreUser(context, accountId));
}
