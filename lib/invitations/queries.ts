import type { Db } from '../db/client';
import { assertCan, type Viewer } from '../access/policy';

/** One invitation, for an admin: who, role, by whom, delivery state. */
export async function getInvitationForAdmin(db: Db, viewer: Viewer, invitationId: string, now = new Date()) {
  assertCan(viewer, 'admin.users.view');
  const invitation = await db.invitation.findFirst({
    where: { id: invitationId, siteId: viewer.site.id },
    select: {
      id: true, email: true, role: true, state: true, deliveryState: true, deliveryError: true, sentAt: true, createdAt: true, updatedAt: true,
      expiresAt: true, personalMessage: true, invitedBy: { select: { name: true } },
      outbox: { orderBy: { createdAt: 'desc' }, take: 1, select: { attempts: true, lastError: true, state: true } },
    },
  });
  if (!invitation) return null;
  return { ...invitation, expired: invitation.state === 'PENDING' && invitation.expiresAt <= now };
}
