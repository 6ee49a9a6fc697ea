// GET /rest/api/3/user/search?query=: the people the caller may see whose name (or email) matches.
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { searchUsers } from '@/lib/rest/users';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handleRest(prisma, request, (context) => searchUsers(context));
}
