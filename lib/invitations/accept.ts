// /invite/<token>: what the link is, and accepting it (never on GET).
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { writeAudit } from '../audit';
import { emailDomain } from '../email-address';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/password';
import { DomainError } from '../result';
import { placeRequestedPerson } from '../spaces/people';
import { hashInvitationToken, looksLikeToken } from './tokens';

type Tx = Prisma.TransactionClient;

export type InvitationView =
  | { state: 'UNKNOWN' }
  | {
      state: 'VALID' | 'EXPIRED' | 'REVOKED' | 'USED';
      id: string;
      email: string;
      role: 'GUEST' | 'USER' | 'ADMIN';
      siteName: string;
      inviterName: string | null;
      personalMessage: string | null;
      /** The space they join on accepting (asked for by a space admin), if any. */
      spaceName: string | null;
      expiresAt: Date;
      accountExists: boolean;
    };

export async function describeInvitation(db: Db, rawToken: string, now = new Date()): Promise<InvitationView> {
  if (!looksLikeToken(rawToken)) return { state: 'UNKNOWN' };
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(rawToken) },
    include: { site: { select: { name: true } }, invitedBy: { select: { name: true } }, space: { select: { name: true } } },
  });
  if (!invitation) return { state: 'UNKNOWN' };
  const account = await db.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  const state =
    invitation.state === 'ACCEPTED' ? 'USED' : invitation.state === 'REVOKED' ? 'REVOKED' : invitation.expiresAt <= now ? 'EXPIRED' : 'VALID';
  return {
    state,
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    siteName: invitation.site.name,
    inviterName: invitation.invitedBy?.name ?? null,
    personalMessage: invitation.personalMessage,
    spaceName: invitation.space?.name ?? null,
    expiresAt: invitation.expiresAt,
    accountExists: account !== null,
  };
}

const STATE_MESSAGES = {
  UNKNOWN: "This invitation link isn't valid. Check that you copied the whole link, or ask for a new invitation.",
  EXPIRED: 'This invitation has expired. Ask a site admin to send you a new one.',
  REVOKED: 'This invitation was revoked by a site admin.',
  USED: 'This invitation has already been used.',
} as const;

const GUEST_ACCESS_ENDED_MESSAGE = 'The guest access this invitation grants has already expired. Ask a site admin to invite you again.';

export function invitationStateMessage(state: keyof typeof STATE_MESSAGES) {
  return STATE_MESSAGES[state];
}

/**
 * Consumes the invitation for `userId` and puts them on the site with the invited role, in one
 * transaction. The conditional update makes acceptance single-use, also under concurrency.
 */
async function consumeInvitation(tx: Tx, rawToken: string, user: { id: string; email: string }, meta: { ip?: string | null; userAgent?: string | null }, now: Date) {
  const tokenHash = hashInvitationToken(rawToken);
  const invitation = await tx.invitation.findUnique({ where: { tokenHash } });
  if (!invitation) throw new DomainError('NOT_FOUND', STATE_MESSAGES.UNKNOWN);
  if (invitation.email !== user.email) throw new DomainError('FORBIDDEN', `This invitation is for ${invitation.email}.`);
  const { count } = await tx.invitation.updateMany({
    where: { id: invitation.id, state: 'PENDING', expiresAt: { gt: now } },
    data: { state: 'ACCEPTED', openEmail: null, acceptedAt: now, acceptedUserId: user.id },
  });
  if (count !== 1) {
    const fresh = await tx.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    throw new DomainError('CONFLICT', STATE_MESSAGES[fresh.state === 'ACCEPTED' ? 'USED' : fresh.state === 'REVOKED' ? 'REVOKED' : 'EXPIRED']);
  }
  // The transaction rolls back with this refusal, so the invitation stays as it was.
  if (invitation.role === 'GUEST' && invitation.guestAccessExpiresAt && invitation.guestAccessExpiresAt <= now) {
    throw new DomainError('CONFLICT', GUEST_ACCESS_ENDED_MESSAGE);
  }
  const licensed = invitation.role !== 'GUEST';
  // A guest's access ends when the invitation said; licensed access never expires. A new date
  // deserves its own seven-days-before reminder.
  const accessExpiresAt = licensed ? null : invitation.guestAccessExpiresAt;
  await tx.siteUser.upsert({
    where: { siteId_userId: { siteId: invitation.siteId, userId: user.id } },
    create: { siteId: invitation.siteId, userId: user.id, invitedById: invitation.invitedById, everLicensedAt: licensed ? now : null, accessExpiresAt },
    update: licensed ? { everLicensedAt: now, accessExpiresAt, expiryReminderSentAt: null } : { accessExpiresAt, expiryReminderSentAt: null },
  });
  await tx.appRole.upsert({
    where: { appId_userId: { appId: invitation.appId, userId: user.id } },
    create: { appId: invitation.appId, userId: user.id, role: invitation.role },
    update: { role: invitation.role },
  });
  await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: now } });
  const audit = { actorId: user.id, siteId: invitation.siteId, ip: meta.ip, userAgent: meta.userAgent };
  await writeAudit(
    tx,
    audit,
    {
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: invitation.id,
      targetUserId: user.id,
      after: { role: invitation.role, ...(accessExpiresAt ? { accessExpiresAt: accessExpiresAt.toISOString() } : {}) },
    },
  );
  if (invitation.spaceId) {
    await placeRequestedPerson(tx, audit, { siteId: invitation.siteId, spaceId: invitation.spaceId, userId: user.id, jiraRole: invitation.role, addedById: invitation.invitedById });
  }
  return invitation;
}

/** Accept while signed in (the account's address must be the invited one). */
export async function acceptInvitationAsUser(db: Db, rawToken: string, userId: string, meta: { ip?: string | null; userAgent?: string | null } = {}, now = new Date()) {
  if (!looksLikeToken(rawToken)) throw new DomainError('NOT_FOUND', STATE_MESSAGES.UNKNOWN);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true } });
    return consumeInvitation(tx, rawToken, user, meta, now);
  });
}

/** Accept by creating the account for the invited address (name and password). */
export async function acceptInvitationWithNewAccount(
  db: Db,
  rawToken: string,
  input: { name: string; password: string },
  meta: { ip?: string | null; userAgent?: string | null } = {},
  now = new Date(),
): Promise<{ userId: string; email: string }> {
  if (!looksLikeToken(rawToken)) throw new DomainError('NOT_FOUND', STATE_MESSAGES.UNKNOWN);
  if (input.password.length < PASSWORD_MIN_LENGTH) {
    throw new DomainError('INVALID_INPUT', `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`, { password: `Use at least ${PASSWORD_MIN_LENGTH} characters.` });
  }
  const passwordHash = await hashPassword(input.password);
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(rawToken) }, select: { email: true } });
  if (!invitation) throw new DomainError('NOT_FOUND', STATE_MESSAGES.UNKNOWN);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: invitation.email, emailDomain: emailDomain(invitation.email), name: input.name, passwordHash },
        select: { id: true, email: true },
      });
      await consumeInvitation(tx, rawToken, user, meta, now);
      return { userId: user.id, email: user.email };
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') {
      // Two acceptances of one link at the same instant: the other one created the account with it.
      const current = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(rawToken) }, select: { state: true } });
      if (current?.state === 'ACCEPTED') throw new DomainError('CONFLICT', STATE_MESSAGES.USED);
      throw new DomainError('CONFLICT', `An account for ${invitation.email} already exists. Log in to accept the invitation.`);
    }
    throw error;
  }
}
