// GET /rest/api/3/myself: the API token's owner as a Jira user.
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { myself } from '@/lib/rest/users';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handleRest(prisma, request, (context) => myself(context));
}
