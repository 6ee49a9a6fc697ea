// POST /admin/v2/orgs/{orgId}/users/invite: invite people to the site's Jira as Guest, User or Admin
// ({"emails": [...], "permissionRules": [{"resource": "ari:cloud:jira::site/<siteId>", "role":
// "atlassian/guest"}], "sendNotification", "notificationText"}), through Grant access.
import { prisma } from '@/lib/db/client';
import { handleOrgApi } from '@/lib/org-api/handler';
import { inviteUsers } from '@/lib/org-api/users';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ orgId: string }> };

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { orgId } = await params;
  return handleOrgApi(prisma, request, orgId, (context) => inviteUsers(context));
}
