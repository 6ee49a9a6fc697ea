// GET /rest/api/3/project/{projectIdOrKey}: one space as a Jira project (where project self URLs point).
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { getProject } from '@/lib/rest/projects';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ projectIdOrKey: string }> }): Promise<Response> {
  const { projectIdOrKey } = await params;
  return handleRest(prisma, request, (context) => getProject(context, projectIdOrKey));
}
