// Request access (people without access to the site) and Approve requests (site admins).
import type { Db } from '../db/client';
import { Prisma } from '../db/generated/client';
import { writeAudit, type AuditContext } from '../audit';
import { assertCan, type Viewer } from '../access/policy';
import { emailDomain, isExternalDomain } from '../email-address';
import { DomainError } from '../result';
import { grantAccess, lockSiteMembership } from '../invitations/grant';
import { loadSiteContext, reviewInvitations } from '../invitations/review';
import { placeRequestedPerson } from '../spaces/people';
import { defaultGuestExpiry, type JiraRole } from '../invitations/invite-users.schema';
import { decodeInstantCursor, encodeInstantCursor, type InstantCursor } from '../keyset-cursor';

export const MAX_REQUEST_NOTE = 500;

export async function requestAccess(db: Db, viewer: Viewer, note: string | null) {
  if (viewer.siteAccess) throw new DomainError('CONFLICT', `You already have an account on ${viewer.site.name}.`);
  const existing = await db.accessRequest.findUnique({ where: { siteId_blockingEmail: { siteId: viewer.site.id, blockingEmail: viewer.email } } });
  if (existing?.state === 'PENDING') throw new DomainError('CONFLICT', "You've already requested access. A site admin will review your request.");
  if (existing?.state === 'DENIED') throw new DomainError('REFUSED', 'A site admin declined your request. You can’t request access again.');
  try {
    return await db.$transaction(async (tx) => {
      const request = await tx.accessRequest.create({
        data: { siteId: viewer.site.id, email: viewer.email, blockingEmail: viewer.email, userId: viewer.userId, note },
      });
      await writeAudit(tx, { actorId: viewer.userId, siteId: viewer.site.id }, { action: 'access_request.created', targetType: 'access_request', targetId: request.id, targetUserId: viewer.userId, after: { note } });
      return request;
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new DomainError('CONFLICT', "You've already requested access. A site admin will review your request.");
    throw error;
  }
}

export async function myAccessRequest(db: Db, viewer: Viewer) {
  return db.accessRequest.findFirst({ where: { siteId: viewer.site.id, email: viewer.email }, orderBy: { createdAt: 'desc' }, select: { state: true, createdAt: true, decisionMessage: true } });
}

export async function countPendingRequests(db: Db, viewer: Viewer) {
  assertCan(viewer, 'admin.requests.manage');
  return db.accessRequest.count({ where: { siteId: viewer.site.id, state: 'PENDING' } });
}

export const REQUESTS_PAGE_SIZE = 50;
const REQUEST_ID = /^[a-z0-9]{1,40}$/;

export type PendingRequestsPage = {
  rows: PendingRequest[];
  /** Cursor for `after=` (Next), or null on the last page. */
  next: string | null;
  /** Cursor for `before=` (Previous), or null on the first page. */
  previous: string | null;
};
export type PendingRequest = Awaited<ReturnType<typeof fetchPending>>[number];

/** The site's pending requests in `direction` from `cursor` (exclusive), oldest first when 'asc'. */
async function fetchPending(db: Db, siteId: string, verifiedDomains: string[], direction: 'asc' | 'desc', cursor: InstantCursor | null, take: number) {
  const dir = direction === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const beyond = direction === 'asc' ? Prisma.sql`>` : Prisma.sql`<`;
  // One statement (Prisma's relation selects took four); names are key probes per row shown.
  const rows = await db.$queryRaw<
    { id: string; email: string; note: string | null; createdAt: Date; userName: string | null; requestedByName: string | null; spaceKey: string | null; spaceName: string | null }[]
  >`
    SELECT r."id", r."email", r."note", r."createdAt",
      (SELECT u."name" FROM "User" u WHERE u."id" = r."userId") AS "userName",
      (SELECT u."name" FROM "User" u WHERE u."id" = r."requestedById") AS "requestedByName",
      sp."key" AS "spaceKey", sp."name" AS "spaceName"
    FROM "AccessRequest" r
    LEFT JOIN LATERAL (SELECT s."key", s."name" FROM "Space" s WHERE s."id" = r."spaceId" LIMIT 1) sp ON true
    WHERE r."siteId" = ${siteId} AND r."state" = 'PENDING'
      ${cursor ? Prisma.sql`AND (r."createdAt", r."id") ${beyond} (${cursor.at}, ${cursor.id})` : Prisma.empty}
    ORDER BY r."createdAt" ${dir}, r."id" ${dir}
    LIMIT ${take}`;
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    note: r.note,
    createdAt: r.createdAt,
    requestedBy: r.requestedByName === null ? null : { name: r.requestedByName },
    space: r.spaceKey === null || r.spaceName === null ? null : { key: r.spaceKey, name: r.spaceName },
    name: r.userName ?? r.email,
    external: isExternalDomain(emailDomain(r.email), verifiedDomains),
  }));
}

/**
 * Approve requests: one page of the pending requests, oldest first (the longest waiting on top),
 * by keyset from `after` (Next) or back from `before` (Previous).
 */
export async function listPendingRequests(
  db: Db,
  viewer: Viewer,
  page: { after?: string | null; before?: string | null } = {},
  pageSize = REQUESTS_PAGE_SIZE,
): Promise<PendingRequestsPage> {
  assertCan(viewer, 'admin.requests.manage');
  const { verifiedDomains } = viewer.site;
  const cursorOf = (row: PendingRequest) => encodeInstantCursor(row.createdAt, row.id);
  const before = decodeInstantCursor(page.before, REQUEST_ID);
  if (before) {
    const raws = await fetchPending(db, viewer.site.id, verifiedDomains, 'desc', before, pageSize + 1);
    // Fewer than a full page before the cursor means this is the first page: show it whole.
    if (raws.length >= pageSize) {
      const rows = raws.slice(0, pageSize).reverse();
      return { rows, next: cursorOf(rows[rows.length - 1]), previous: raws.length > pageSize ? cursorOf(rows[0]) : null };
    }
  }
  const after = before ? null : decodeInstantCursor(page.after, REQUEST_ID);
  const raws = await fetchPending(db, viewer.site.id, verifiedDomains, 'asc', after, pageSize + 1);
  const rows = raws.slice(0, pageSize);
  return {
    rows,
    next: raws.length > pageSize ? cursorOf(rows[rows.length - 1]) : null,
    previous: after ? (rows.length ? cursorOf(rows[0]) : (page.after ?? null)) : null,
  };
}

export async function getRequest(db: Db, viewer: Viewer, requestId: string) {
  assertCan(viewer, 'admin.requests.manage');
  const site = await loadSiteContext(db, viewer.site.id);
  const request = await db.accessRequest.findFirst({
    where: { id: requestId, siteId: viewer.site.id },
    include: { user: { select: { name: true } }, requestedBy: { select: { name: true } }, decidedBy: { select: { name: true } }, space: { select: { key: true, name: true } } },
  });
  if (!request) return null;
  return { ...request, name: request.user?.name ?? request.email, external: isExternalDomain(emailDomain(request.email), site.verifiedDomains) };
}

/** The role offered by default: Guest for external addresses, User for internal ones. */
export function defaultRoleFor(external: boolean): JiraRole {
  return external ? 'GUEST' : 'USER';
}

export async function approveRequest(db: Db, viewer: Viewer, requestId: string, role: JiraRole | undefined, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.requests.manage');
  const request = await db.accessRequest.findFirst({ where: { id: requestId, siteId: viewer.site.id } });
  if (!request) throw new DomainError('NOT_FOUND', 'That request no longer exists.');
  if (request.state !== 'PENDING') throw new DomainError('CONFLICT', `That request was already ${request.state === 'APPROVED' ? 'approved' : 'denied'}.`);
  const site = await loadSiteContext(db, viewer.site.id);
  const chosen = role ?? defaultRoleFor(isExternalDomain(emailDomain(request.email), site.verifiedDomains));

  if (!request.userId) {
    // Asked for by a space admin on behalf of someone without an account: approving invites them.
    const [row] = await grantAccess(db, viewer, { emails: [request.email], role: chosen, personalMessage: null, resend: [request.email] }, audit, now);
    if (row.result === 'REFUSED') throw new DomainError('REFUSED', row.detail);
    await db.$transaction(async (tx) => {
      const { count } = await tx.accessRequest.updateMany({
        where: { id: request.id, state: 'PENDING' },
        data: { state: 'APPROVED', blockingEmail: null, decidedById: viewer.userId, decidedAt: now, grantedRole: chosen },
      });
      if (count !== 1) throw new DomainError('CONFLICT', 'That request was already decided.');
      // They join the space the space admin asked for when they accept the invitation.
      if (request.spaceId) await tx.invitation.updateMany({ where: { siteId: viewer.site.id, openEmail: request.email }, data: { spaceId: request.spaceId } });
      await writeAudit(tx, audit, { action: 'access_request.approved', targetType: 'access_request', targetId: request.id, after: { role: chosen, email: request.email } });
    });
    return { role: chosen };
  }

  const userId = request.userId;
  return db.$transaction(async (tx) => {
    await lockSiteMembership(tx, viewer.site.id);
    const [review] = await reviewInvitations(tx, viewer.site.id, [request.email], chosen, now);
    if (review.outcome === 'REFUSED') throw new DomainError('REFUSED', review.detail);
    const { count } = await tx.accessRequest.updateMany({
      where: { id: request.id, state: 'PENDING' },
      data: { state: 'APPROVED', blockingEmail: null, decidedById: viewer.userId, decidedAt: now, grantedRole: chosen },
    });
    if (count !== 1) throw new DomainError('CONFLICT', 'That request was already decided.');
    const licensed = chosen !== 'GUEST';
    // A new guest's access ends after the site's default guest access length (if it has one).
    const accessExpiresAt = licensed ? null : defaultGuestExpiry(now, site.guestAccessDefaultDays);
    const newGuest = !licensed && review.outcome !== 'ALREADY_ON_SITE';
    await tx.siteUser.upsert({
      where: { siteId_userId: { siteId: site.id, userId } },
      create: { siteId: site.id, userId, invitedById: viewer.userId, everLicensedAt: licensed ? now : null, accessExpiresAt },
      update: licensed ? { everLicensedAt: now, accessExpiresAt: null, expiryReminderSentAt: null } : newGuest ? { accessExpiresAt, expiryReminderSentAt: null } : {},
    });
    await tx.appRole.upsert({ where: { appId_userId: { appId: site.jiraAppId, userId } }, create: { appId: site.jiraAppId, userId, role: chosen }, update: { role: chosen } });
    // A pending invitation for the same address is now pointless.
    await tx.invitation.updateMany({ where: { siteId: site.id, email: request.email, state: 'PENDING' }, data: { state: 'REVOKED', openEmail: null, revokedAt: now } });
    if (request.spaceId) {
      await placeRequestedPerson(tx, audit, { siteId: site.id, spaceId: request.spaceId, userId, jiraRole: chosen, addedById: request.requestedById });
    }
    await tx.outboxEmail.create({ data: { template: 'access-request-approved', to: request.email, payload: { siteName: site.name, role: chosen, approverName: viewer.name } } });
    await writeAudit(tx, audit, {
      action: 'access_request.approved',
      targetType: 'access_request',
      targetId: request.id,
      targetUserId: userId,
      after: { role: chosen, ...(newGuest ? { accessExpiresAt: accessExpiresAt?.toISOString() ?? null } : {}) },
    });
    return { role: chosen };
  });
}

export async function denyRequest(db: Db, viewer: Viewer, requestId: string, message: string | null, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.requests.manage');
  return db.$transaction(async (tx) => {
    const site = await loadSiteContext(tx, viewer.site.id);
    const request = await tx.accessRequest.findFirst({ where: { id: requestId, siteId: viewer.site.id } });
    if (!request) throw new DomainError('NOT_FOUND', 'That request no longer exists.');
    const { count } = await tx.accessRequest.updateMany({
      where: { id: request.id, state: 'PENDING' },
      data: { state: 'DENIED', decidedById: viewer.userId, decidedAt: now, decisionMessage: message },
    });
    if (count !== 1) throw new DomainError('CONFLICT', 'That request was already decided.');
    await tx.outboxEmail.create({ data: { template: 'access-request-denied', to: request.email, payload: { siteName: site.name, deciderName: viewer.name, message } } });
    await writeAudit(tx, audit, { action: 'access_request.denied', targetType: 'access_request', targetId: request.id, targetUserId: request.userId, after: { message } });
  });
}
