// Space settings → People: who is in a space, with which role. Who may hold which role, the
// one-space rule for guests and the last-Administrator rule live here and nowhere else: the page
// and the Add people dialog only reflect what these functions return.
import type { Db } from '../db/client';
import { Prisma } from '../db/generated/client';
import { z } from 'zod';
import { AccessDenied, type Viewer } from '../access/policy';
import { SPACE_ROLE_LABELS, SPACE_ROLES, type SpaceRoleName } from '../access/permissions';
import { writeAudit, type AuditContext } from '../audit';
import { normalizeEmail } from '../email-address';
import { DomainError } from '../result';
import { findSpaceForViewer, type SpaceForViewer } from './queries';
import { cursorText, readCursor, writeCursor } from '../keyset-cursor';
import { MAX_PEOPLE_PER_ADD, MAX_PICKER_RESULTS, MAX_SPACE_PEOPLE_SEARCH } from './people.schema';

type Tx = Prisma.TransactionClient;
type Reader = Db | Tx;

export type ManagedSpace = { id: string; key: string; name: string };

/** How many rows a page of the People table shows (Next / Previous for the rest). */
export const SPACE_PEOPLE_PAGE_SIZE = 50;

// ---------------------------------------------------------------------------------------------
// Who may manage a space's people

/**
 * The space by key (on the viewer's own site) when the policy lets the viewer administer it; null
 * otherwise, so that "not allowed" and "no such space" look the same.
 */
export async function findAdministeredSpace(db: Db, viewer: Viewer, spaceKey: string): Promise<ManagedSpace | null> {
  const space = await findSpaceForViewer(db, viewer, spaceKey);
  if (!space || !space.permissions.has('administer')) return null;
  return { id: space.id, key: space.key, name: space.name };
}

async function requireAdministeredSpace(db: Db, viewer: Viewer, spaceKey: string): Promise<ManagedSpace> {
  const space = await findAdministeredSpace(db, viewer, spaceKey);
  if (!space) throw new AccessDenied();
  return space;
}

// ---------------------------------------------------------------------------------------------
// The rules

/** A site guest holds only the Guest role in a space, and only a site guest may hold it. */
export function allowedSpaceRoles(siteGuest: boolean): SpaceRoleName[] {
  return siteGuest ? ['GUEST'] : SPACE_ROLES.filter((role) => role !== 'GUEST');
}

/** Why `person` can't have `role` in a space, or null when they can. */
export function spaceRoleRefusal(person: { name: string; siteGuest: boolean }, role: SpaceRoleName): string | null {
  if (allowedSpaceRoles(person.siteGuest).includes(role)) return null;
  return person.siteGuest
    ? `${person.name} is a guest on this site, so they can only have the Guest role.`
    : `${person.name} isn't a guest on this site. Only guests can have the Guest role.`;
}

export function oneSpaceMessage(name: string, space: { key: string; name: string }): string {
  return `${name} is already a guest in ${space.name} (${space.key}). Guests can only belong to one space per site, so remove them from ${space.name} first.`;
}

export const LAST_ADMINISTRATOR_MESSAGE = 'A space needs at least one Administrator.';

export const notOnSiteMessage = (email: string) => `${email} isn't on this site yet. A site admin must invite them first.`;

const suspendedMessage = (name: string) => `${name}'s access to this site is suspended, so they can't be added.`;
const deactivatedMessage = (name: string) => `${name}'s account is deactivated, so they can't be added.`;
const alreadyInSpaceMessage = (name: string) => `${name} is already in this space.`;

/** The space of a guest's one-space assignment on the site, if any. */
async function guestSpaceOf(db: Reader, siteId: string, userId: string) {
  const assignment = await db.guestSpaceAssignment.findUnique({
    where: { siteId_userId: { siteId, userId } },
    select: { space: { select: { id: true, key: true, name: true } } },
  });
  return assignment?.space ?? null;
}

/**
 * The person's standing on the site, read with FOR SHARE so that a suspension, a Jira role change
 * or a removal of access cannot commit between this check and the membership written after it.
 * (Share locks do not conflict with each other, so two adds of the same person still race: the
 * one-space rule is the database key's job, not this lock's.)
 */
async function lockSiteStanding(tx: Tx, siteId: string, userId: string) {
  const rows = await tx.$queryRaw<{ suspendedAt: Date | null; jiraRole: 'GUEST' | 'USER' | 'ADMIN' }[]>`
    SELECT su."suspendedAt", r."role"::text AS "jiraRole"
    FROM "SiteUser" su
    JOIN "App" a ON a."siteId" = su."siteId" AND a."kind" = 'JIRA'
    JOIN "AppRole" r ON r."appId" = a."id" AND r."userId" = su."userId"
    WHERE su."siteId" = ${siteId} AND su."userId" = ${userId}
    FOR SHARE OF su, r`;
  return rows[0] ?? null;
}

/**
 * Serializes role changes and removals within one space, so two admins demoting each other at
 * the same moment can't both see "another Administrator is left". NO KEY UPDATE leaves adding
 * people (which only takes key-share locks on the space through the foreign key) unblocked.
 */
async function lockSpaceRoster(tx: Tx, spaceId: string) {
  await tx.$executeRaw`SELECT 1 FROM "Space" WHERE "id" = ${spaceId} FOR NO KEY UPDATE`;
}

async function assertAnotherAdministrator(tx: Tx, spaceId: string) {
  const administrators = await tx.spaceMembership.count({ where: { spaceId, role: 'ADMINISTRATOR' } });
  if (administrators <= 1) throw new DomainError('REFUSED', LAST_ADMINISTRATOR_MESSAGE);
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002';

// PostgreSQL text cannot hold NUL, and no name or email has control characters.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
const cleanSearch = (value: string) => value.normalize('NFKC').replace(CONTROL_CHARACTERS, ' ').trim().slice(0, MAX_SPACE_PEOPLE_SEARCH);

// Prisma passes contains/startsWith values into LIKE as they are, so '%' or '_' typed in a search
// box would match everyone; PostgreSQL's default LIKE escape character is the backslash.
const likeLiteral = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

// ---------------------------------------------------------------------------------------------
// The People table

export type SpacePersonRow = {
  userId: string;
  name: string;
  email: string;
  role: SpaceRoleName;
  /** A guest on the site (Jira role Guest): the GUEST lozenge, and only the Guest role. */
  siteGuest: boolean;
  suspended: boolean;
  allowedRoles: SpaceRoleName[];
  /** The only Administrator: can't be demoted or removed. */
  lastAdministrator: boolean;
};

export type SpacePeople = {
  space: ManagedSpace;
  people: SpacePersonRow[];
  /** Everyone in the space (not only those matching the search). */
  total: number;
  q: string;
  /** Cursor for `after=` (Next), or null on the last page. */
  next: string | null;
  /** Cursor for `before=` (Previous), or null on the first page. */
  previous: string | null;
};

// Keyset cursors on (name, id), the table's order (lib/keyset-cursor.ts).
type NameCursor = { name: string; id: string };
const NameCursorSchema = z.tuple([cursorText(500), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]);

function encodeNameCursor(row: { name: string; userId: string }): string {
  return writeCursor([row.name, row.userId]);
}

function decodeNameCursor(raw: string | null | undefined): NameCursor | null {
  const values = readCursor(raw, NameCursorSchema);
  return values ? { name: values[0], id: values[1] } : null;
}

/**
 * One page of the space's people by name (optionally those whose name or email contains `q`),
 * from `after` (Next) or back from `before` (Previous); null when the viewer may not manage them.
 */
export async function listSpacePeople(
  db: Db,
  viewer: Viewer,
  spaceKey: string,
  q = '',
  page: { after?: string | null; before?: string | null } = {},
  pageSize = SPACE_PEOPLE_PAGE_SIZE,
): Promise<SpacePeople | null> {
  const space = await findAdministeredSpace(db, viewer, spaceKey);
  if (!space) return null;
  const search = cleanSearch(q);
  const before = decodeNameCursor(page.before);
  const after = before ? null : decodeNameCursor(page.after);
  const [raws, [counts]] = await Promise.all([
    peopleRows(db, viewer.site.id, space.id, search, before ? 'desc' : 'asc', before ?? after, pageSize + 1),
    db.$queryRaw<{ total: bigint; administrators: bigint }[]>`
      SELECT count(*) AS "total", count(*) FILTER (WHERE m."role" = 'ADMINISTRATOR') AS "administrators"
      FROM "SpaceMembership" m WHERE m."spaceId" = ${space.id}`,
  ]);
  const total = Number(counts.total);
  const administrators = Number(counts.administrators);
  const toPerson = (row: PeopleRow): SpacePersonRow => {
    const siteGuest = row.jiraRole === 'GUEST';
    return {
      userId: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      siteGuest,
      suspended: !row.active || !!row.suspendedAt,
      allowedRoles: allowedSpaceRoles(siteGuest),
      lastAdministrator: row.role === 'ADMINISTRATOR' && administrators <= 1,
    };
  };
  const more = raws.length > pageSize;
  if (before) {
    // Fewer than a full page before the cursor means this is the first page: show it whole.
    if (raws.length >= pageSize) {
      const people = raws.slice(0, pageSize).reverse().map(toPerson);
      return { space, people, total, q: search, next: encodeNameCursor(people[people.length - 1]), previous: more ? encodeNameCursor(people[0]) : null };
    }
    return listSpacePeople(db, viewer, spaceKey, q, {}, pageSize);
  }
  const people = raws.slice(0, pageSize).map(toPerson);
  return {
    space,
    people,
    total,
    q: search,
    next: more ? encodeNameCursor(people[people.length - 1]) : null,
    previous: after ? (people.length ? encodeNameCursor(people[0]) : (page.after ?? null)) : null,
  };
}

type PeopleRow = { role: SpaceRoleName; id: string; name: string; email: string; active: boolean; suspendedAt: Date | null; jiraRole: string | null };

/**
 * One statement for a page, cut to the page before site access and Jira role are joined. The join
 * of memberships and people is left to the planner on purpose: for a big space it walks User's
 * name index from the cursor and probes the (spaceId, userId) key, stopping after a page (no sort
 * of thousands); for a small one it reads the space's memberships and sorts those few.
 */
function peopleRows(db: Db, siteId: string, spaceId: string, search: string, direction: 'asc' | 'desc', cursor: NameCursor | null, limit: number) {
  const sql = Prisma.sql;
  const dir = direction === 'asc' ? sql`ASC` : sql`DESC`;
  const contains = `%${likeLiteral(search)}%`;
  const from = cursor ? (direction === 'asc' ? sql`(u."name", u."id") > (${cursor.name}, ${cursor.id})` : sql`(u."name", u."id") < (${cursor.name}, ${cursor.id})`) : sql`true`;
  return db.$queryRaw<PeopleRow[]>`
      SELECT p."role"::text AS "role", p."id", p."name", p."email", p."active", su."suspendedAt", jr."role"::text AS "jiraRole"
      FROM (
        SELECT m."role", u."id", u."name", u."email", u."active"
        FROM "SpaceMembership" m JOIN "User" u ON u."id" = m."userId"
        WHERE m."spaceId" = ${spaceId} AND (${search === ''} OR u."name" ILIKE ${contains} OR u."email" ILIKE ${contains}) AND ${from}
        ORDER BY u."name" ${dir}, u."id" ${dir}
        LIMIT ${limit}) p
      -- Site access and Jira role of the page's people only, not of everyone in the space.
      LEFT JOIN "SiteUser" su ON su."siteId" = ${siteId} AND su."userId" = p."id"
      LEFT JOIN LATERAL (SELECT r."role" FROM "AppRole" r JOIN "App" a ON a."id" = r."appId" AND a."siteId" = ${siteId} AND a."kind" = 'JIRA'
                         WHERE r."userId" = p."id" LIMIT 1) jr ON true
      ORDER BY p."name" ${dir}, p."id" ${dir}`;
}

// ---------------------------------------------------------------------------------------------
// The Add people picker

export type PickerPerson = { userId: string; name: string; email: string; siteGuest: boolean; spaceRole: SpaceRoleName | null };

/**
 * People already on the site with Jira access whose name, a word of their name, or email starts
 * with `query`; at most ten. Suspended and deactivated people are never offered.
 */
export async function searchSitePeople(db: Db, viewer: Viewer, spaceKey: string, query: string): Promise<PickerPerson[]> {
  const space = await requireAdministeredSpace(db, viewer, spaceKey);
  const q = cleanSearch(query);
  if (!q) return [];
  const prefix = likeLiteral(q);
  const siteId = viewer.site.id;
  const jira = { app: { siteId, kind: 'JIRA' as const } };
  const users = await db.user.findMany({
    where: {
      active: true,
      siteUsers: { some: { siteId, suspendedAt: null } },
      appRoles: { some: jira },
      OR: [
        { name: { startsWith: prefix, mode: 'insensitive' } },
        { name: { contains: ` ${prefix}`, mode: 'insensitive' } },
        { email: { startsWith: prefix, mode: 'insensitive' } },
      ],
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: MAX_PICKER_RESULTS,
    select: {
      id: true,
      name: true,
      email: true,
      appRoles: { where: jira, select: { role: true } },
      memberships: { where: { spaceId: space.id }, select: { role: true } },
    },
  });
  return users.map((u) => ({
    userId: u.id,
    name: u.name,
    email: u.email,
    siteGuest: u.appRoles[0]?.role === 'GUEST',
    spaceRole: u.memberships[0]?.role ?? null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Add people

export type AddPersonOutcome = 'ADDED' | 'ALREADY_IN_SPACE' | 'REFUSED' | 'NOT_ON_SITE';

export type AddPersonResult = {
  email: string;
  /** null when the address has no account. */
  userId: string | null;
  name: string | null;
  outcome: AddPersonOutcome;
  message: string;
};

/**
 * Add people: each address on its own (one refusal doesn't hold back the others), each in its own
 * transaction. Returns what happened to each, in the order given.
 */
export async function addPeople(
  db: Db,
  viewer: Viewer,
  spaceKey: string,
  input: { emails: string[]; role: SpaceRoleName },
  audit: AuditContext,
): Promise<AddPersonResult[]> {
  const space = await requireAdministeredSpace(db, viewer, spaceKey);
  if (!SPACE_ROLES.includes(input.role)) throw new DomainError('INVALID_INPUT', 'Choose Administrator, Member, Viewer or Guest.');
  const emails: string[] = [];
  for (const raw of input.emails) {
    const email = normalizeEmail(raw);
    if (!email) throw new DomainError('INVALID_INPUT', `${raw.slice(0, 80)} isn't a valid email address.`);
    if (!emails.includes(email)) emails.push(email);
  }
  if (emails.length === 0) throw new DomainError('INVALID_INPUT', 'Add at least one person.');
  if (emails.length > MAX_PEOPLE_PER_ADD) throw new DomainError('INVALID_INPUT', `You can add up to ${MAX_PEOPLE_PER_ADD} people at a time.`);
  const results: AddPersonResult[] = [];
  for (const email of emails) results.push(await addPerson(db, viewer, space, email, input.role, audit));
  return results;
}

async function addPerson(db: Db, viewer: Viewer, space: ManagedSpace, email: string, role: SpaceRoleName, audit: AuditContext): Promise<AddPersonResult> {
  const user = await db.user.findUnique({ where: { email }, select: { id: true, name: true, active: true } });
  if (!user) return { email, userId: null, name: null, outcome: 'NOT_ON_SITE', message: notOnSiteMessage(email) };
  return addKnownPerson(db, viewer, space, { ...user, email }, role, audit);
}

/**
 * Adds one person whose account the caller already read (the REST API names people by account
 * ID) to a space it resolved: the same rules and outcomes as addPeople, without reading the
 * space and the account again. The policy is asked here, not by the caller.
 */
export async function addAccountToSpace(
  db: Db,
  viewer: Viewer,
  space: SpaceForViewer,
  user: { id: string; email: string; name: string; active: boolean },
  role: SpaceRoleName,
  audit: AuditContext,
): Promise<AddPersonResult> {
  if (!space.permissions.has('administer')) throw new AccessDenied();
  if (!SPACE_ROLES.includes(role)) throw new DomainError('INVALID_INPUT', 'Choose Administrator, Member, Viewer or Guest.');
  return addKnownPerson(db, viewer, space, user, role, audit);
}

async function addKnownPerson(
  db: Db,
  viewer: Viewer,
  space: ManagedSpace,
  user: { id: string; email: string; name: string; active: boolean },
  role: SpaceRoleName,
  audit: AuditContext,
): Promise<AddPersonResult> {
  const siteId = viewer.site.id;
  const email = user.email;
  const person = { email, userId: user.id, name: user.name };
  const refused = (message: string): AddPersonResult => ({ ...person, outcome: 'REFUSED', message });
  try {
    return await db.$transaction(async (tx): Promise<AddPersonResult> => {
      const standing = await lockSiteStanding(tx, siteId, user.id);
      if (!standing) return { ...person, outcome: 'NOT_ON_SITE', message: notOnSiteMessage(email) };
      if (standing.suspendedAt) return refused(suspendedMessage(user.name));
      if (!user.active) return refused(deactivatedMessage(user.name));
      const existing = await tx.spaceMembership.findUnique({ where: { spaceId_userId: { spaceId: space.id, userId: user.id } }, select: { id: true } });
      if (existing) return { ...person, outcome: 'ALREADY_IN_SPACE', message: alreadyInSpaceMessage(user.name) };
      const siteGuest = standing.jiraRole === 'GUEST';
      const roleRefusal = spaceRoleRefusal({ name: user.name, siteGuest }, role);
      if (roleRefusal) return refused(roleRefusal);
      if (siteGuest) {
        // Only for a clear message early: the assignment's key below is what actually holds the rule.
        const other = await guestSpaceOf(tx, siteId, user.id);
        if (other) return refused(oneSpaceMessage(user.name, other));
      }
      await placeInSpace(tx, audit, { siteId, space, userId: user.id, role, siteGuest, addedById: viewer.userId });
      return { ...person, outcome: 'ADDED', message: `Added to ${space.name} as ${SPACE_ROLE_LABELS[role]}.` };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Someone added this person at the same moment: say where they ended up.
    const [membership, other] = await Promise.all([
      db.spaceMembership.findUnique({ where: { spaceId_userId: { spaceId: space.id, userId: user.id } }, select: { id: true } }),
      guestSpaceOf(db, siteId, user.id),
    ]);
    if (membership) return { ...person, outcome: 'ALREADY_IN_SPACE', message: alreadyInSpaceMessage(user.name) };
    if (other && other.id !== space.id) return refused(oneSpaceMessage(user.name, other));
    return refused(`${user.name}'s spaces changed while you were adding them. Try again.`);
  }
}

/**
 * Writes the membership (and, for a site guest, the one-space assignment whose key holds the rule)
 * with its audit row. Callers check standing and roles first; a unique violation means someone
 * placed the person at the same moment.
 */
export async function placeInSpace(
  tx: Tx,
  audit: AuditContext,
  input: { siteId: string; space: { id: string; key: string }; userId: string; role: SpaceRoleName; siteGuest: boolean; addedById: string | null },
) {
  const { siteId, space, userId, role } = input;
  await tx.spaceMembership.create({ data: { spaceId: space.id, userId, role, addedById: input.addedById } });
  if (input.siteGuest) await tx.guestSpaceAssignment.create({ data: { siteId, userId, spaceId: space.id } });
  await writeAudit(tx, audit, {
    action: 'space.member.added',
    targetType: 'space',
    targetId: space.id,
    targetUserId: userId,
    before: { space: space.key, role: null },
    after: { space: space.key, role },
  });
}

/**
 * Where someone joins the space a space admin asked for them, once a site admin let them onto the
 * site: as Guest when the site role is Guest, as Member otherwise. Skipped (null) when they are
 * already in it, or a guest who already has their one space.
 */
export async function placeRequestedPerson(
  tx: Tx,
  audit: AuditContext,
  input: { siteId: string; spaceId: string; userId: string; jiraRole: 'GUEST' | 'USER' | 'ADMIN'; addedById: string | null },
): Promise<SpaceRoleName | null> {
  const space = await tx.space.findFirst({ where: { id: input.spaceId, siteId: input.siteId }, select: { id: true, key: true } });
  if (!space) return null;
  const siteGuest = input.jiraRole === 'GUEST';
  const member = await tx.spaceMembership.findUnique({ where: { spaceId_userId: { spaceId: space.id, userId: input.userId } }, select: { id: true } });
  if (member || (siteGuest && (await guestSpaceOf(tx, input.siteId, input.userId)))) return null;
  const role: SpaceRoleName = siteGuest ? 'GUEST' : 'MEMBER';
  await placeInSpace(tx, audit, { siteId: input.siteId, space, userId: input.userId, role, siteGuest, addedById: input.addedById });
  return role;
}

// ---------------------------------------------------------------------------------------------
// Role, Remove

export async function changeSpaceRole(
  db: Db,
  viewer: Viewer,
  spaceKey: string,
  input: { userId: string; role: SpaceRoleName },
  audit: AuditContext,
): Promise<{ name: string; before: SpaceRoleName; after: SpaceRoleName }> {
  const space = await requireAdministeredSpace(db, viewer, spaceKey);
  if (!SPACE_ROLES.includes(input.role)) throw new DomainError('INVALID_INPUT', 'Choose Administrator, Member, Viewer or Guest.');
  return db.$transaction(async (tx) => {
    await lockSpaceRoster(tx, space.id);
    const membership = await tx.spaceMembership.findUnique({
      where: { spaceId_userId: { spaceId: space.id, userId: input.userId } },
      select: { id: true, role: true, user: { select: { name: true } } },
    });
    if (!membership) throw new DomainError('NOT_FOUND', "That person isn't in this space anymore.");
    const name = membership.user.name;
    if (membership.role === input.role) return { name, before: membership.role, after: input.role };
    const standing = await lockSiteStanding(tx, viewer.site.id, input.userId);
    const refusal = spaceRoleRefusal({ name, siteGuest: standing?.jiraRole === 'GUEST' }, input.role);
    if (refusal) throw new DomainError('REFUSED', refusal);
    if (membership.role === 'ADMINISTRATOR') await assertAnotherAdministrator(tx, space.id);
    await tx.spaceMembership.update({ where: { id: membership.id }, data: { role: input.role } });
    await writeAudit(tx, audit, {
      action: 'space.member.role_changed',
      targetType: 'space',
      targetId: space.id,
      targetUserId: input.userId,
      before: { space: space.key, role: membership.role },
      after: { space: space.key, role: input.role },
    });
    return { name, before: membership.role, after: input.role };
  });
}

/**
 * Remove from the space: the membership, and for a guest their one-space assignment, so they
 * show as "No space" and can be added to a space again. Nothing else of theirs ends: site access,
 * sessions and shared work items stay as they are.
 */
export async function removeFromSpace(
  db: Db,
  viewer: Viewer,
  spaceKey: string,
  input: { userId: string },
  audit: AuditContext,
): Promise<{ name: string; role: SpaceRoleName }> {
  const space = await requireAdministeredSpace(db, viewer, spaceKey);
  return db.$transaction(async (tx) => {
    await lockSpaceRoster(tx, space.id);
    const membership = await tx.spaceMembership.findUnique({
      where: { spaceId_userId: { spaceId: space.id, userId: input.userId } },
      select: { id: true, role: true, user: { select: { name: true } } },
    });
    if (!membership) throw new DomainError('NOT_FOUND', "That person isn't in this space anymore.");
    if (membership.role === 'ADMINISTRATOR') await assertAnotherAdministrator(tx, space.id);
    const { count: assignments } = await tx.guestSpaceAssignment.deleteMany({ where: { spaceId: space.id, userId: input.userId } });
    await tx.spaceMembership.delete({ where: { id: membership.id } });
    await writeAudit(tx, audit, {
      action: 'space.member.removed',
      targetType: 'space',
      targetId: space.id,
      targetUserId: input.userId,
      before: { space: space.key, role: membership.role, guestSpace: assignments > 0 },
      after: { space: space.key, role: null },
    });
    return { name: membership.user.name, role: membership.role };
  });
}

// ---------------------------------------------------------------------------------------------
// Request access for them

/**
 * For an address that isn't on the site: an access request for site admins, on behalf of the
 * space admin, naming this space. It shows on Approve requests with who asked.
 */
export async function requestAccessFor(
  db: Db,
  viewer: Viewer,
  spaceKey: string,
  input: { email: string; note: string | null },
  audit: AuditContext,
): Promise<{ id: string; email: string }> {
  const space = await requireAdministeredSpace(db, viewer, spaceKey);
  const email = normalizeEmail(input.email);
  if (!email) throw new DomainError('INVALID_INPUT', `${input.email.slice(0, 80)} isn't a valid email address.`);
  const siteId = viewer.site.id;
  const user = await db.user.findUnique({
    where: { email },
    select: {
      id: true,
      name: true,
      siteUsers: { where: { siteId }, select: { suspendedAt: true } },
      appRoles: { where: { app: { siteId, kind: 'JIRA' } }, select: { role: true } },
    },
  });
  if (user?.siteUsers[0] && user.appRoles[0]) {
    throw user.siteUsers[0].suspendedAt
      ? new DomainError('REFUSED', `${user.name}'s access to this site is suspended. A site admin can restore it.`)
      : new DomainError('CONFLICT', `${user.name} is already on this site. Add them to the space instead.`);
  }
  const blocked = async () => {
    const existing = await db.accessRequest.findUnique({ where: { siteId_blockingEmail: { siteId, blockingEmail: email } }, select: { state: true } });
    if (existing?.state === 'PENDING') return new DomainError('CONFLICT', `Access was already requested for ${email}.`);
    if (existing?.state === 'DENIED') return new DomainError('REFUSED', `A site admin declined access for ${email}.`);
    return null;
  };
  const refusal = await blocked();
  if (refusal) throw refusal;
  try {
    return await db.$transaction(async (tx) => {
      const request = await tx.accessRequest.create({
        data: { siteId, email, blockingEmail: email, userId: user?.id ?? null, requestedById: viewer.userId, spaceId: space.id, note: input.note },
        select: { id: true, email: true },
      });
      await writeAudit(tx, audit, {
        action: 'access_request.created',
        targetType: 'access_request',
        targetId: request.id,
        targetUserId: user?.id ?? null,
        before: { state: null },
        after: { state: 'PENDING', email, space: space.key, note: input.note, onBehalfOf: true },
      });
      return request;
    });
  } catch (error) {
    // Asked for at the same moment by someone else: the (site, blockingEmail) key kept one.
    if (isUniqueViolation(error)) throw (await blocked()) ?? new DomainError('CONFLICT', `Access was already requested for ${email}.`);
    throw error;
  }
}
