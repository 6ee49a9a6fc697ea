// GET/POST /rest/api/3/search/jql: work items of a space the caller may browse, with nextPageToken.
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { searchIssuesGet, searchIssuesPost } from '@/lib/rest/search';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handleRest(prisma, request, (context) => searchIssuesGet(context));
}

export async function POST(request: Request): Promise<Response> {
  return handleRest(prisma, request, (context) => searchIssuesPost(context));
}
