import type { Db } from '../../lib/db/client';
import { loadViewer } from '../../lib/access/viewer';
import type { Viewer } from '../../lib/access/policy';
import type { AuditContext } from '../../lib/audit';

/** A real session row for `email`, loaded the way every request loads it. */
export async function viewerFor(db: Db, email: string): Promise<Viewer> {
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const session = await db.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  const viewer = await loadViewer(db, session.id);
  if (!viewer) throw new Error(`no viewer for ${email}`);
  return viewer;
}

export function auditOf(viewer: Viewer): AuditContext {
  return { actorId: viewer.userId, siteId: viewer.site.id, ip: '203.0.113.10', userAgent: 'vitest' };
}
