// GET /rest/api/3/project/{projectIdOrKey}/role: role name → role URL.
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { listProjectRoles } from '@/lib/rest/roles';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ projectIdOrKey: string }> }): Promise<Response> {
  const { projectIdOrKey } = await params;
  return handleRest(prisma, request, (context) => listProjectRoles(context, projectIdOrKey));
}
