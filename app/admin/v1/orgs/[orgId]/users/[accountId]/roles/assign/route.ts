// POST /admin/v1/orgs/{orgId}/users/{accountId}/roles/assign: give the person a Jira role
// ({"role": "atlassian/user", "resource": "ari:cloud:jira::site/<siteId>"}), through the profile's
// Roles dropdown (changeJiraRole). 204.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { assignRole } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string; accountId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId, accountId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => assignRole(context, accountId));
}
