// "Grant access": writes every invitation of a batch and its email in one transaction.
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { writeAudit, writeAudits, type AuditContext, type AuditEntry } from '../audit';
import { assertCan, type Viewer } from '../access/policy';
import { DomainError } from '../result';
import { normalizeEmail } from '../email-address';
import { REDACTED_TOKEN } from '../mail/redaction';
import { newInvitationToken } from './tokens';
import { newRowId } from '../db/row-id';
import { loadSiteContext, reviewInvitations, type ReviewRow } from './review';
import { defaultGuestExpiry, guestExpiryProblem, type JiraRole } from './invite-users.schema';

type Tx = Prisma.TransactionClient;

export type GrantRow = ReviewRow & { result: 'INVITED' | 'RESENT' | 'SKIPPED' | 'REFUSED' };

/**
 * Serializes changes to one site's invitations and seats: the allowance is recounted, and an
 * address invited from two places at once ends with one invitation.
 */
export async function lockSiteMembership(tx: Tx, siteId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`site-membership:${siteId}`}, 0))`;
}

/** Marks the unsent emails of these invitations superseded (their links no longer work). */
async function supersedeInvitationEmails(tx: Tx, invitationIds: string[]) {
  await tx.outboxEmail.updateMany({
    where: { invitationId: { in: invitationIds }, state: 'PENDING' },
    data: { state: 'FAILED', lastError: 'Superseded by a newer invitation link', payload: { token: REDACTED_TOKEN } },
  });
}

type InvitationEmail = { template: 'invitation'; to: string; invitationId: string; payload: Prisma.InputJsonObject };

function invitationEmail(
  invitation: { id: string; email: string; role: JiraRole; personalMessage: string | null; expiresAt: Date },
  rawToken: string,
  context: { inviterName: string; siteName: string },
): InvitationEmail {
  return {
    template: 'invitation',
    to: invitation.email,
    invitationId: invitation.id,
    payload: {
      token: rawToken,
      inviterName: context.inviterName,
      siteName: context.siteName,
      role: invitation.role,
      personalMessage: invitation.personalMessage,
      expiresAt: invitation.expiresAt.toISOString(),
    },
  };
}

/** Queues a batch's emails in one statement (one array per column, as writeAudits). */
async function queueInvitationEmails(tx: Tx, emails: InvitationEmail[]) {
  await tx.$executeRaw`
    INSERT INTO "OutboxEmail" ("id", "template", "to", "invitationId", "payload", "createdAt")
    SELECT m."id", m."template", m."to", m."invitationId", m."payload", ${new Date()}
    FROM unnest(${emails.map(() => newRowId())}::text[], ${emails.map((e) => e.template)}::text[], ${emails.map((e) => e.to)}::text[],
      ${emails.map((e) => e.invitationId)}::text[], ${emails.map((e) => JSON.stringify(e.payload))}::jsonb[]) WITH ORDINALITY AS m("id", "template", "to", "invitationId", "payload", "position")
    ORDER BY m."position"`;
}

export async function issueInvitationEmail(
  tx: Tx,
  invitation: { id: string; email: string; role: JiraRole; personalMessage: string | null; expiresAt: Date },
  rawToken: string,
  context: { inviterName: string; siteName: string },
) {
  // Older emails of this invitation carry a link that no longer works: never send them.
  await supersedeInvitationEmails(tx, [invitation.id]);
  await tx.outboxEmail.create({ data: invitationEmail(invitation, rawToken, context) });
}

export async function grantAccess(
  db: Db,
  viewer: Viewer,
  input: {
    emails: string[];
    role: JiraRole;
    personalMessage: string | null;
    resend: string[];
    /** Guests only: when their access ends. Absent = the site default; null = no expiry. */
    guestAccessExpiresAt?: Date | null;
  },
  audit: AuditContext,
  now = new Date(),
): Promise<GrantRow[]> {
  assertCan(viewer, 'admin.users.manage');
  const emails = [...new Set(input.emails.map((raw) => {
    const email = normalizeEmail(raw);
    if (!email) throw new DomainError('INVALID_INPUT', `${raw.slice(0, 80)} isn't a valid email address.`);
    return email;
  }))];
  const confirmedResend = new Set(input.resend.map((raw) => normalizeEmail(raw)));
  return db.$transaction(
    async (tx) => {
      await lockSiteMembership(tx, viewer.site.id);
      const site = await loadSiteContext(tx, viewer.site.id);
      // Recount inside the lock: what the admin reviewed may have changed since.
      const rows = await reviewInvitations(tx, viewer.site.id, emails, input.role, now);
      const expiresAt = new Date(now.getTime() + site.invitationExpiryDays * 24 * 3600 * 1000);
      const guestAccessExpiresAt =
        input.role !== 'GUEST' ? null : input.guestAccessExpiresAt === undefined ? defaultGuestExpiry(now, site.guestAccessDefaultDays) : input.guestAccessExpiresAt;
      const expiryProblem = guestAccessExpiresAt ? guestExpiryProblem(guestAccessExpiresAt, now) : null;
      if (expiryProblem) throw new DomainError('INVALID_INPUT', expiryProblem, { guestAccessExpiresOn: expiryProblem });
      const expiryAudit = input.role === 'GUEST' ? { guestAccessExpiresAt: guestAccessExpiresAt?.toISOString() ?? null } : {};
      // Every write of the batch is one statement per kind (invitations, emails, audit events),
      // however many addresses: no round trip per address.
      const results: GrantRow[] = [];
      const resends: { index: number; row: ReviewRow; token: { raw: string; hash: string } }[] = [];
      const creates: { index: number; row: ReviewRow; token: { raw: string; hash: string } }[] = [];
      for (const row of rows) {
        if (row.outcome === 'REFUSED') {
          results.push({ ...row, result: 'REFUSED' });
        } else if (row.outcome === 'ALREADY_ON_SITE') {
          results.push({ ...row, result: 'SKIPPED' });
        } else if (row.outcome === 'RESEND') {
          if (!confirmedResend.has(row.email)) {
            // Invited meanwhile by someone else: keep that invitation and its email.
            results.push({ ...row, detail: 'Already invited. Nothing was sent.', result: 'SKIPPED' });
            continue;
          }
          resends.push({ index: results.length, row, token: newInvitationToken() });
          results.push({ ...row, detail: 'Invitation sent again with a new link.', result: 'RESENT' });
        } else {
          creates.push({ index: results.length, row, token: newInvitationToken() });
          results.push({ ...row, detail: row.outcome === 'NEW_GUEST' ? 'Invited as a guest.' : `Invited.`, result: 'INVITED' });
        }
      }

      type Issued = { id: string; email: string; role: JiraRole; personalMessage: string | null; expiresAt: Date };
      const outbox: { invitation: Issued; rawToken: string }[] = [];
      const audits: AuditEntry[] = [];
      if (resends.length) {
        const updated = await tx.$queryRaw<Issued[]>`
          UPDATE "Invitation" i SET "tokenHash" = v."hash", "role" = ${input.role}::"AppRoleKind", "personalMessage" = ${input.personalMessage},
            "invitedById" = ${viewer.userId}, "expiresAt" = ${expiresAt}, "guestAccessExpiresAt" = ${guestAccessExpiresAt},
            "deliveryState" = 'QUEUED', "deliveryError" = NULL, "sentAt" = NULL, "updatedAt" = ${now}
          FROM unnest(${resends.map((r) => r.row.pendingInvitationId!)}::text[], ${resends.map((r) => r.token.hash)}::text[]) AS v("id", "hash")
          WHERE i."id" = v."id" AND i."siteId" = ${site.id}
          RETURNING i."id", i."email", i."role"::text AS "role", i."personalMessage", i."expiresAt"`;
        if (updated.length !== resends.length) throw new Error('An invitation to resend changed during the batch.');
        const byId = new Map(updated.map((u) => [u.id, u]));
        // Older emails of these invitations carry a link that no longer works: never send them.
        await supersedeInvitationEmails(tx, updated.map((u) => u.id));
        for (const { row, token } of resends) {
          const invitation = byId.get(row.pendingInvitationId!)!;
          outbox.push({ invitation, rawToken: token.raw });
          audits.push({ action: 'invitation.resent', targetType: 'invitation', targetId: invitation.id, after: { email: row.email, role: input.role, ...expiryAudit } });
        }
      }
      if (creates.length) {
        const writtenAt = new Date();
        const issued = creates.map(({ row, token }) => ({ row, token, id: newRowId() }));
        // Raw SQL, one array per column: Prisma's createMany binds every value of every row,
        // and building that statement for 500 addresses took longer than writing them.
        const written = await tx.$executeRaw`
          INSERT INTO "Invitation" ("id", "siteId", "appId", "email", "openEmail", "role", "tokenHash", "personalMessage", "invitedById", "expiresAt", "guestAccessExpiresAt", "createdAt", "updatedAt")
          SELECT v."id", ${site.id}, ${site.jiraAppId}, v."email", v."email", ${input.role}::"AppRoleKind", v."tokenHash", ${input.personalMessage}::text,
            ${viewer.userId}, ${expiresAt}, ${guestAccessExpiresAt}::timestamp(3), ${writtenAt}, ${writtenAt}
          FROM unnest(${issued.map((i) => i.id)}::text[], ${issued.map((i) => i.row.email)}::text[], ${issued.map((i) => i.token.hash)}::text[]) AS v("id", "email", "tokenHash")`;
        if (written !== issued.length) throw new Error(`Wrote ${written} of ${issued.length} invitations.`);
        for (const { row, token, id } of issued) {
          outbox.push({ invitation: { id, email: row.email, role: input.role, personalMessage: input.personalMessage, expiresAt }, rawToken: token.raw });
          audits.push({
            action: 'invitation.created',
            targetType: 'invitation',
            targetId: id,
            after: { email: row.email, role: input.role, personalMessage: input.personalMessage, ...expiryAudit },
          });
        }
      }
      if (outbox.length) {
        await queueInvitationEmails(tx, outbox.map(({ invitation, rawToken }) => invitationEmail(invitation, rawToken, { inviterName: viewer.name, siteName: site.name })));
        await writeAudits(tx, audit, audits);
      }
      return results;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** Resend invite: a new link (the old one stops working) and a new email. */
export async function resendInvitation(db: Db, viewer: Viewer, invitationId: string, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    const site = await loadSiteContext(tx, viewer.site.id);
    const existing = await tx.invitation.findFirst({ where: { id: invitationId, siteId: viewer.site.id } });
    if (!existing) throw new DomainError('NOT_FOUND', 'That invitation no longer exists.');
    if (existing.state !== 'PENDING') throw new DomainError('CONFLICT', `That invitation was already ${existing.state === 'ACCEPTED' ? 'accepted' : 'revoked'}.`);
    if (existing.guestAccessExpiresAt && existing.guestAccessExpiresAt <= now) {
      throw new DomainError('REFUSED', 'The guest access this invitation grants has already expired. Invite them again with a new "Access expires on" date.');
    }
    const token = newInvitationToken();
    const invitation = await tx.invitation.update({
      where: { id: existing.id },
      data: { tokenHash: token.hash, expiresAt: new Date(now.getTime() + site.invitationExpiryDays * 86_400_000), deliveryState: 'QUEUED', deliveryError: null, sentAt: null },
    });
    await issueInvitationEmail(tx, invitation, token.raw, { inviterName: viewer.name, siteName: site.name });
    await writeAudit(tx, audit, { action: 'invitation.resent', targetType: 'invitation', targetId: invitation.id, after: { email: invitation.email } });
    return invitation;
  });
}

/** Revoke invite: the link stops working at once. */
export async function revokeInvitation(db: Db, viewer: Viewer, invitationId: string, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitationId, siteId: viewer.site.id, state: 'PENDING' },
      data: { state: 'REVOKED', openEmail: null, revokedAt: now },
    });
    if (count !== 1) throw new DomainError('CONFLICT', 'That invitation is no longer pending.');
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    // An unsent email for a revoked invitation must not go out.
    await tx.outboxEmail.updateMany({ where: { invitationId, state: 'PENDING' }, data: { state: 'FAILED', lastError: 'Invitation revoked before delivery', payload: { token: REDACTED_TOKEN } } });
    await writeAudit(tx, audit, { action: 'invitation.revoked', targetType: 'invitation', targetId: invitationId, before: { email: invitation.email, state: 'PENDING' }, after: { state: 'REVOKED' } });
    return invitation;
  });
}
