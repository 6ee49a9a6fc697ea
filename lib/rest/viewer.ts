// Who is calling the REST API: the owner of the API token, as a Viewer built from the database on
// every call (lib/access/viewer.ts loadAccessFor). No session row is created or read, and nothing
// is written: API calls don't count as "last active".
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { loadAccessFor } from '../access/viewer';

/** Stands in for Viewer.sessionId: an API call has no session. Never a real session id. */
export const tokenSessionId = (tokenId: string) => `api-token:${tokenId}`;

/** The Viewer for `userId`, or null when the account doesn't exist or is deactivated. */
export async function loadTokenOwnerViewer(db: Db, userId: string, tokenId: string): Promise<Viewer | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, emailDomain: true, active: true } });
  if (!user || !user.active) return null;
  return loadAccessFor(db, user, tokenSessionId(tokenId));
}
