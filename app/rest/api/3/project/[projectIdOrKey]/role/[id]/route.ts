// /rest/api/3/project/{projectIdOrKey}/role/{id}: read the role's actors (GET), add users to it
// (POST {"user": [accountId]}), take one out (DELETE ?user=accountId).
import { prisma } from '@/lib/db/client';
import { handleRest } from '@/lib/rest/handler';
import { addRoleActors, deleteRoleActor, getProjectRole } from '@/lib/rest/roles';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ projectIdOrKey: string; id: string }> };

export async function GET(request: Request, { params }: Params): Promise<Response> {
  const { projectIdOrKey, id } = await params;
  return handleRest(prisma, request, (context) => getProjectRole(context, projectIdOrKey, id));
}

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { projectIdOrKey, id } = await params;
  return handleRest(prisma, request, (context) => addRoleActors(context, projectIdOrKey, id));
}

export async function DELETE(request: Request, { params }: Params): Promise<Response> {
  const { projectIdOrKey, id } = await params;
  return handleRest(prisma, request, (context) => deleteRoleActor(context, projectIdOrKey, id));
}
