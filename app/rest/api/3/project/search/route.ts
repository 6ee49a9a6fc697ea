// GET /rest/api/3/project/search: the spaces the caller may browse, as a page of Jira projects.
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { searchProjects } from '@/lib/rest/projects';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handleRest(prisma, request, (context) => searchProjects(context));
}
