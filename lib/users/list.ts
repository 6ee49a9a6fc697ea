// Settings → User management → Users: the site's people plus pending invitations, searched,
// filtered, sorted and paged by keyset, and the same rows as a CSV export.
//
// The list is a UNION of two kinds of rows (site users, invitations), so Prisma's query API cannot
// express it. Every page is one $queryRaw: each branch reads its rows in index order with its own
// LIMIT, and the outer query merges them. That keeps the cost of a page independent of how deep
// it is and of how many people the site has (see tests/integration/users-list.test.ts, EXPLAIN).
import { z } from 'zod';
import { cleanSearch as cleanSearchTerm, queryParam, searchParamsRecord, type SearchParamsInput } from '../query-string';
import type { Db } from '../db/client';
import { Prisma } from '../db/generated/client';
import { assertCan, type Viewer } from '../access/policy';
import { isExternalDomain } from '../email-address';
import { siteUsageOf, siteUsageSql, type SiteUsageRow } from '../site-usage';
import { csvRow } from '../csv';
import { formatUtcDate } from '../dates';
import { readCursor, writeCursor } from '../keyset-cursor';

export const USER_SORTS = ['name', 'email', 'lastActive', 'added'] as const;
export type UsersSort = (typeof USER_SORTS)[number];
export type SortDirection = 'asc' | 'desc';
export const ROLE_FILTERS = ['guest', 'user', 'admin', 'none'] as const;
export type RoleFilter = (typeof ROLE_FILTERS)[number];
export const STATUS_FILTERS = ['active', 'invited', 'suspended'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export type JiraRole = 'GUEST' | 'USER' | 'ADMIN';

/** "Expiring in 30 days": guests whose access ends within this many days (query param expiring=30). */
export const EXPIRING_SOON_DAYS = 30;

export const USERS_PAGE_SIZE = 50;
const MAX_SEARCH_LENGTH = 100;
/** Below this many characters a substring has no trigram to look up, so search by prefix instead. */
const SUBSTRING_SEARCH_MIN_LENGTH = 3;

export type UsersListQuery = {
  q: string;
  role: RoleFilter | null;
  status: StatusFilter | null;
  external: boolean;
  noSpace: boolean;
  /** Guests whose access expires within EXPIRING_SOON_DAYS (from now); null = no such filter. */
  expiring: typeof EXPIRING_SOON_DAYS | null;
  sort: UsersSort;
  dir: SortDirection;
  /** Opaque keyset cursors from a previous page (Next / Previous links). */
  after: string | null;
  before: string | null;
};

/** Dates read newest first; names and emails read A to Z. */
export const DEFAULT_SORT_DIRECTION: Record<UsersSort, SortDirection> = { name: 'asc', email: 'asc', lastActive: 'desc', added: 'desc' };

export const DEFAULT_USERS_QUERY: UsersListQuery = {
  q: '',
  role: null,
  status: null,
  external: false,
  noSpace: false,
  expiring: null,
  sort: 'added',
  dir: 'desc',
  after: null,
  before: null,
};

export type UserListRow = {
  kind: 'user' | 'invitation';
  /** User id for people on the site, invitation id for pending invitations. */
  id: string;
  /** Set for people on the site (their profile is /admin/users/<userId>); null for invitations. */
  userId: string | null;
  /** For invited people without an account, their email. */
  name: string;
  email: string;
  external: boolean;
  /** The Jira role held, or for invitations the role invited as; null = no access. */
  jiraRole: JiraRole | null;
  isSiteAdmin: boolean;
  status: 'ACTIVE' | 'SUSPENDED' | 'INVITED' | 'INVITATION_EXPIRED';
  /** For guests, their one space (null = no space yet). */
  space: { key: string; name: string } | null;
  lastActiveAt: Date | null;
  /** When the person was added to the site, or for invitations when they were invited. */
  addedAt: Date;
};

export type UsersPage = {
  rows: UserListRow[];
  /** Cursor for `after=` (Next), or null on the last page. */
  next: string | null;
  /** Cursor for `before=` (Previous), or null on the first page. */
  previous: string | null;
};

const flip = (dir: SortDirection): SortDirection => (dir === 'asc' ? 'desc' : 'asc');

const cleanSearch = (value: string) => cleanSearchTerm(value, MAX_SEARCH_LENGTH);

/** A complete query from a partial one; a missing direction is the sort's natural one. */
function completeQuery(query: Partial<UsersListQuery>): UsersListQuery {
  const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Partial<UsersListQuery>;
  const sort = given.sort ?? DEFAULT_USERS_QUERY.sort;
  return { ...DEFAULT_USERS_QUERY, dir: DEFAULT_SORT_DIRECTION[sort], ...given, q: cleanSearch(given.q ?? '') };
}

// ---------------------------------------------------------------------------------------------
// Query string

const param = queryParam;

// Each field falls back on its own: a hand-edited or stale URL still shows a page, never a 500.
const QuerySchema = z.object({
  q: param(z.string().transform(cleanSearch)).catch(''),
  role: param(z.enum(ROLE_FILTERS)).nullable().catch(null),
  status: param(z.enum(STATUS_FILTERS)).nullable().catch(null),
  external: param(z.literal('1')).transform(() => true).catch(false),
  nospace: param(z.literal('1')).transform(() => true).catch(false),
  expiring: param(z.literal(String(EXPIRING_SOON_DAYS))).transform((): typeof EXPIRING_SOON_DAYS => EXPIRING_SOON_DAYS).nullable().catch(null),
  sort: param(z.enum(USER_SORTS)).catch('added'),
  dir: param(z.enum(['asc', 'desc'])).nullable().catch(null),
  // Room for a cursor holding a long name (base64 of JSON of up to 1000 characters of UTF-8).
  after: param(z.string().max(8192)).nullable().catch(null),
  before: param(z.string().max(8192)).nullable().catch(null),
});

export function parseUsersListQuery(input: SearchParamsInput): UsersListQuery {
  const parsed = QuerySchema.parse(searchParamsRecord(input));
  return {
    q: parsed.q,
    role: parsed.role,
    status: parsed.status,
    external: parsed.external,
    noSpace: parsed.nospace,
    expiring: parsed.expiring,
    sort: parsed.sort,
    dir: parsed.dir ?? DEFAULT_SORT_DIRECTION[parsed.sort],
    after: parsed.after || null,
    before: parsed.before || null,
  };
}

/** The Users page URL (or the export's, with `path`) for `query` with `changes` applied. */
export function usersListHref(query: UsersListQuery, changes: Partial<UsersListQuery> = {}, path = '/admin/users'): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.role) params.set('role', next.role);
  if (next.status) params.set('status', next.status);
  if (next.external) params.set('external', '1');
  if (next.noSpace) params.set('nospace', '1');
  if (next.expiring) params.set('expiring', String(next.expiring));
  if (next.sort !== DEFAULT_USERS_QUERY.sort) params.set('sort', next.sort);
  if (next.dir !== DEFAULT_SORT_DIRECTION[next.sort]) params.set('dir', next.dir);
  if (next.after) params.set('after', next.after);
  if (next.before) params.set('before', next.before);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export type UsersSortLink = { href: string; active: SortDirection | null; next: SortDirection };

/** A column header's link: first click sorts the column its natural way, the next reverses it. */
export function usersSortLink(query: UsersListQuery, sort: UsersSort): UsersSortLink {
  const active = query.sort === sort ? query.dir : null;
  const next = active ? flip(active) : DEFAULT_SORT_DIRECTION[sort];
  return { href: usersListHref(query, { sort, dir: next, after: null, before: null }), active, next };
}

export function usersSortLinks(query: UsersListQuery): Record<UsersSort, UsersSortLink> {
  return { name: usersSortLink(query, 'name'), email: usersSortLink(query, 'email'), lastActive: usersSortLink(query, 'lastActive'), added: usersSortLink(query, 'added') };
}

// ---------------------------------------------------------------------------------------------
// Cursors: [sort, dir, key, id] as base64url JSON. Opaque to the browser, validated on the way back.

type Cursor = { sort: UsersSort; dir: SortDirection; key: string | null; id: string };

const noNul = (value: string) => !value.includes('\u0000');
const CursorSchema = z.tuple([
  z.enum(USER_SORTS),
  z.enum(['asc', 'desc']),
  z.string().max(1000).refine(noNul).nullable(),
  z.string().min(1).max(64).refine(noNul),
]);

function encodeCursor(cursor: Cursor): string {
  return writeCursor([cursor.sort, cursor.dir, cursor.key, cursor.id]);
}

function decodeCursor(raw: string | null, sort: UsersSort, dir: SortDirection): Cursor | null {
  const values = readCursor(raw, CursorSchema);
  if (!values) return null;
  const [cursorSort, cursorDir, key, id] = values;
  // A cursor from another ordering points nowhere meaningful in this one: start over.
  if (cursorSort !== sort || cursorDir !== dir) return null;
  if (isDateSort(sort)) {
    if (key !== null && Number.isNaN(Date.parse(key))) return null;
    if (key === null && sort !== 'lastActive') return null;
  } else if (key === null) {
    return null;
  }
  return { sort, dir, key, id };
}

const isDateSort = (sort: UsersSort) => sort === 'added' || sort === 'lastActive';

// ---------------------------------------------------------------------------------------------
// SQL

/** `now` is the instant "expiring in 30 days" counts from. */
type SiteContext = { siteId: string; organizationId: string; verifiedDomains: string[]; now: Date };

/** Read with the viewer at the start of the request: the list needs no statement of its own for it. */
function siteContextOf(viewer: Viewer, now: Date): SiteContext {
  const { id: siteId, organizationId, verifiedDomains } = viewer.site;
  return { siteId, organizationId, verifiedDomains, now };
}

type RawRow = {
  kind: 'user' | 'invitation';
  userId: string | null;
  invitationId: string | null;
  name: string;
  email: string;
  emailDomain: string;
  role: JiraRole | null;
  isSiteAdmin: boolean;
  suspendedAt: Date | null;
  expiresAt: Date | null;
  spaceKey: string | null;
  spaceName: string | null;
  lastActiveAt: Date | null;
  addedAt: Date;
  sortId: string;
};

const sql = Prisma.sql;
const ROLE_SQL: Record<Exclude<RoleFilter, 'none'>, Prisma.Sql> = { guest: sql`'GUEST'`, user: sql`'USER'`, admin: sql`'ADMIN'` };

/**
 * The sort key of each branch; invitations have no "last active" (they sort as Never). A search
 * sorts its matches by SiteUser's copies of the name and address (equal to the account's, and
 * in the same collation), so the page is cut before any account is read.
 */
const USER_KEY: Record<UsersSort, Prisma.Sql> = {
  name: sql`u."name"`,
  email: sql`u."email"`,
  lastActive: sql`u."lastActiveAt"`,
  added: sql`su."addedAt"`,
};
const SEARCH_USER_KEY: Record<UsersSort, Prisma.Sql> = { ...USER_KEY, name: sql`su."userName"`, email: sql`su."userEmail"` };
const userKeyOf = (query: UsersListQuery) => (query.q ? SEARCH_USER_KEY : USER_KEY)[query.sort];
const INVITATION_KEY: Record<UsersSort, Prisma.Sql | null> = {
  // The invitee account's name or the address, as shown: a trigger-kept copy (see the schema).
  name: sql`i."listName"`,
  email: sql`i."email"`,
  lastActive: null,
  added: sql`i."createdAt"`,
};
const OUTER_KEY: Record<UsersSort, Prisma.Sql> = { name: sql`"name"`, email: sql`"email"`, lastActive: sql`"lastActiveAt"`, added: sql`"addedAt"` };
// The tie-breaker matches the driving index: (siteId, addedAt, id) on SiteUser for "added",
// the User indexes otherwise (with a search, the account id as SiteUser holds it: the same value).
// Ids are cuids, unique across tables, so the order is total.
const userSortId = (query: UsersListQuery) => (query.sort === 'added' ? sql`su."id"` : query.q ? sql`su."userId"` : sql`u."id"`);

const DIRECTION = { asc: sql`ASC`, desc: sql`DESC` } as const;
const COMPARE = { asc: sql`>`, desc: sql`<` } as const;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** ILIKE patterns for the search box; pg_trgm's GIN indexes on the name and address columns serve both kinds. */
function searchPatterns(q: string): { anywhere: string[]; nameWords: string[] } | null {
  if (!q) return null;
  const escaped = escapeLike(q);
  if ([...q].length >= SUBSTRING_SEARCH_MIN_LENGTH) return { anywhere: [`%${escaped}%`], nameWords: [] };
  // One or two characters hold no trigram, so '%ab%' would read the whole index. A prefix of the
  // value or of a word in the name is anchored and padded, which the trigram index can look up.
  return { anywhere: [`${escaped}%`], nameWords: [`% ${escaped}%`] };
}

/** The search box as ILIKE terms on a name and an email column (either may be left out: null). */
function searchCondition(name: Prisma.Sql | null, email: Prisma.Sql | null, q: string): Prisma.Sql | null {
  const patterns = searchPatterns(q);
  if (!patterns) return null;
  const terms = [
    ...patterns.anywhere.flatMap((p) => [...(name ? [sql`${name} ILIKE ${p}`] : []), ...(email ? [sql`${email} ILIKE ${p}`] : [])]),
    ...(name ? patterns.nameWords.map((p) => sql`${name} ILIKE ${p}`) : []),
  ];
  return sql`(${Prisma.join(terms, ' OR ')})`;
}

function internalDomainCondition(ctx: SiteContext, domain: Prisma.Sql): Prisma.Sql {
  // Mirrors isExternalDomain(): a verified domain or any subdomain of one is internal.
  return sql`EXISTS (SELECT 1 FROM "VerifiedDomain" vd WHERE vd."organizationId" = ${ctx.organizationId}
    AND (${domain} = vd."domain" OR right(${domain}, length(vd."domain") + 1) = '.' || vd."domain"))`;
}

/** Filters of the site-user branch, or null when the query excludes site users altogether. */
function userFilters(ctx: SiteContext, query: UsersListQuery): Prisma.Sql[] | null {
  if (query.status === 'invited') return null;
  const where = [sql`su."siteId" = ${ctx.siteId}`];
  // SiteUser's copies of the account's name and address: the site's matches come from their
  // trigram index (see the schema).
  const search = searchCondition(sql`su."userName"`, sql`su."userEmail"`, query.q);
  if (search) where.push(search);
  // The role is SiteUser's trigger-kept copy: in "added" order a role filter is one range of the
  // (siteId, jiraRole, addedAt, id) index.
  if (query.role === 'none') where.push(sql`su."jiraRole" IS NULL`);
  else if (query.role) where.push(sql`su."jiraRole" = ${ROLE_SQL[query.role]}`);
  if (query.status === 'active') where.push(sql`su."suspendedAt" IS NULL`);
  if (query.status === 'suspended') where.push(sql`su."suspendedAt" IS NOT NULL`);
  // A search reads the domain from SiteUser's copy of the address (one @, a CHECK constraint), so
  // its page is still cut before any account is read (siteUserPage).
  const domain = query.q ? sql`split_part(su."userEmail", '@', 2)` : sql`u."emailDomain"`;
  if (query.external) where.push(sql`NOT ${internalDomainCondition(ctx, domain)}`);
  // Guests walk their own range of that index; a third of them have no space, one key probe each.
  if (query.noSpace) {
    where.push(sql`su."jiraRole" = 'GUEST' AND NOT EXISTS (SELECT 1 FROM "GuestSpaceAssignment" xg WHERE xg."siteId" = su."siteId" AND xg."userId" = su."userId")`);
  }
  // A range on the (siteId, accessExpiresAt) index: only guests ever have an expiry date.
  if (query.expiring) {
    const until = new Date(ctx.now.getTime() + query.expiring * 86_400_000);
    where.push(sql`su."accessExpiresAt" > ${ctx.now} AND su."accessExpiresAt" <= ${until}`);
  }
  return where;
}

/** Filters of the invitation branch, or null when the query excludes invitations altogether. */
function invitationFilters(ctx: SiteContext, query: UsersListQuery): Prisma.Sql[] | null {
  // Invitees hold no role, status or space on the site yet.
  if (query.status === 'active' || query.status === 'suspended' || query.role === 'none' || query.noSpace || query.expiring) return null;
  const where = [
    sql`i."siteId" = ${ctx.siteId}`,
    sql`i."state" = 'PENDING'`,
    // Someone already on the site shows as their site-user row, not twice (ui."onSite": see invitationSelect).
    sql`ui."onSite" IS NOT TRUE`,
  ];
  // The name shown is the invitee's account name, or the address without an account: the trigger-kept
  // "listName" (see the schema). The matches are found from each column's trigram index and the
  // page reads only those (as one OR in the page's WHERE, the planner walked every pending
  // invitation in page order instead, matching each: 19 ms for none at 7,000 pending; as an IN,
  // it hashed the matches and read every pending invitation).
  const byEmail = searchCondition(null, sql`ie."email"`, query.q);
  const byName = searchCondition(sql`ie."listName"`, null, query.q);
  if (byEmail && byName) {
    const matching = (search: Prisma.Sql) => sql`SELECT ie."id" FROM "Invitation" ie WHERE ie."siteId" = ${ctx.siteId} AND ie."state" = 'PENDING' AND ${search}`;
    // As an array computed once, the page then reads each match by its key.
    where.push(sql`i."id" = ANY (ARRAY(${matching(byEmail)} UNION ${matching(byName)}))`);
  }
  if (query.role) where.push(sql`i."role" = ${ROLE_SQL[query.role]}`);
  if (query.external) where.push(sql`NOT ${internalDomainCondition(ctx, sql`split_part(i."email", '@', 2)`)}`);
  return where;
}

/**
 * How SiteUser and User meet, so that each is read through an index whatever the filters:
 * - with a search, SiteUser's trigram index on its copies of the name and address leads, and each
 *   person of the page is one primary-key lookup of the account;
 * - without one, in "added" order, SiteUser's (siteId, addedAt, id) index leads and each person is
 *   one primary-key lookup;
 * - otherwise (name, email, last active) User's sort index leads, joined plainly.
 * The LATERAL subqueries carry LIMIT 1 so the planner keeps them as lookups instead of hashing a
 * whole table when a filter (a role, no space, a short search) leaves thousands of rows to sort.
 */
function usersFrom(ctx: SiteContext, query: UsersListQuery): Prisma.Sql {
  const siteUsers = expiringSoon(ctx, query) ?? sql`"SiteUser"`;
  if (query.q || query.sort === 'added') return sql`${siteUsers} su ${ACCOUNT_OF_SITE_USER}`;
  return sql`${siteUsers} su JOIN "User" u ON u."id" = su."userId"`;
}

const ACCOUNT_OF_SITE_USER = sql`JOIN LATERAL (SELECT x."id", x."name", x."email", x."emailDomain", x."lastActiveAt" FROM "User" x WHERE x."id" = su."userId" LIMIT 1) u ON true`;

/**
 * The page's site users, filtered, ordered and cut to `limit`. A search can match thousands of
 * people; unless its order needs the account ("last active"), the page is cut among SiteUser's
 * rows before any account is read. (The planner
 * would otherwise read every match's account before sorting: 2,172 lookups for "garcia".)
 */
function siteUserPage(ctx: SiteContext, query: UsersListQuery, where: Prisma.Sql[], order: Prisma.Sql, limit: number): Prisma.Sql {
  const conditions = Prisma.join(where, ' AND ');
  if (query.q && query.sort !== 'lastActive') {
    const siteUsers = expiringSoon(ctx, query) ?? sql`"SiteUser"`;
    return sql`(SELECT su.* FROM ${siteUsers} su WHERE ${conditions} ORDER BY ${order} LIMIT ${limit}) su ${ACCOUNT_OF_SITE_USER}`;
  }
  return sql`${usersFrom(ctx, query)} WHERE ${conditions}`;
}

/**
 * "Expiring in 30 days": the few guests whose access ends soon, read first by the (siteId,
 * accessExpiresAt) range (OFFSET 0 keeps the planner from folding the subquery back in and
 * walking the whole site in page order instead, filtering as it goes: 11 → 1 ms at 100,000 people).
 */
function expiringSoon(ctx: SiteContext, query: UsersListQuery): Prisma.Sql | null {
  if (!query.expiring) return null;
  const until = new Date(ctx.now.getTime() + query.expiring * 86_400_000);
  return sql`(SELECT xe.* FROM "SiteUser" xe WHERE xe."siteId" = ${ctx.siteId} AND xe."accessExpiresAt" > ${ctx.now} AND xe."accessExpiresAt" <= ${until} OFFSET 0)`;
}

function userSelect(ctx: SiteContext, query: UsersListQuery, where: Prisma.Sql[], order: Prisma.Sql, limit: number): Prisma.Sql {
  // The page is cut first; the guest's space of those few rows is joined after. (A search or a
  // date filter can match thousands of people: joining each one's space before the LIMIT was most
  // of such a page's cost.) The role is SiteUser's copy of it (see the schema).
  return sql`(SELECT 'user' AS "kind", p."userId", NULL::text AS "invitationId",
      p."name", p."email", p."emailDomain",
      p."jiraRole"::text AS "role", p."isSiteAdmin", p."suspendedAt",
      NULL::timestamp(3) AS "expiresAt", s."key" AS "spaceKey", s."name" AS "spaceName",
      p."lastActiveAt", p."addedAt", p."sortId"
    FROM (
      SELECT u."id" AS "userId", u."name", u."email", u."emailDomain", su."isSiteAdmin", su."suspendedAt",
        su."jiraRole", u."lastActiveAt", su."addedAt", ${userSortId(query)} AS "sortId"
      FROM ${siteUserPage(ctx, query, where, order, limit)}
      ORDER BY ${order}
      LIMIT ${limit}) p
    -- One key probe per row of the page (LIMIT 1 keeps the planner from hashing every guest's
    -- assignment for 51 rows).
    LEFT JOIN LATERAL (
      SELECT xs."key", xs."name" FROM "GuestSpaceAssignment" g JOIN "Space" xs ON xs."id" = g."spaceId"
      WHERE g."siteId" = ${ctx.siteId} AND g."userId" = p."userId" LIMIT 1) s ON true)`;
}

function invitationSelect(where: Prisma.Sql[], order: Prisma.Sql, limit: number): Prisma.Sql {
  return sql`(SELECT 'invitation' AS "kind", NULL::text AS "userId", i."id" AS "invitationId",
      i."listName" AS "name", i."email" AS "email", split_part(i."email", '@', 2) AS "emailDomain",
      i."role"::text AS "role", false AS "isSiteAdmin", NULL::timestamp(3) AS "suspendedAt",
      i."expiresAt" AS "expiresAt", NULL::text AS "spaceKey", NULL::text AS "spaceName",
      NULL::timestamp(3) AS "lastActiveAt", i."createdAt" AS "addedAt", i."id" AS "sortId"
    FROM "Invitation" i
    -- Whether the invitee's account (by its unique email) is on the site already: index lookups
    -- per invitation read (LIMIT keeps the planner from hashing every user instead).
    LEFT JOIN LATERAL (
      SELECT EXISTS (SELECT 1 FROM "SiteUser" xs WHERE xs."siteId" = i."siteId" AND xs."userId" = x."id") AS "onSite"
      FROM "User" x WHERE x."email" = i."email" LIMIT 1) ui ON true
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${order}
    LIMIT ${limit})`;
}

const orderBy = (key: Prisma.Sql | null, id: Prisma.Sql, dir: SortDirection) =>
  key ? sql`${key} ${DIRECTION[dir]}, ${id} ${DIRECTION[dir]}` : sql`${id} ${DIRECTION[dir]}`;

function cursorValue(sort: UsersSort, key: string): string | Date {
  return isDateSort(sort) ? new Date(key) : key;
}

/** Rows strictly after the cursor in key order, as one predicate the index can range-scan. */
function afterCursor(key: Prisma.Sql | null, id: Prisma.Sql, dir: SortDirection, cursor: Cursor): Prisma.Sql {
  if (key === null || cursor.key === null) return sql`${id} ${COMPARE[dir]} ${cursor.id}`;
  return sql`(${key}, ${id}) ${COMPARE[dir]} (${cursorValue(cursor.sort, cursor.key)}, ${cursor.id})`;
}

/**
 * One page in `dir` (the page's direction, or its reverse when walking back), starting after
 * `cursor`. "Last active" puts Never (NULL) before every date ascending and after them descending;
 * NULLs cannot take part in a row comparison, so they are their own segment, read by id.
 */
function pageSql(ctx: SiteContext, query: UsersListQuery, dir: SortDirection, cursor: Cursor | null, limit: number): Prisma.Sql | null {
  const { sort } = query;
  const users = userFilters(ctx, query);
  const invitations = invitationFilters(ctx, query);
  const parts: Prisma.Sql[] = [];
  const userKey = userKeyOf(query);
  const userId = userSortId(query);
  const invitationKey = INVITATION_KEY[sort];
  const invitationId = sql`i."id"`;

  if (sort !== 'lastActive') {
    if (users) {
      const where = cursor ? [...users, afterCursor(userKey, userId, dir, cursor)] : users;
      parts.push(userSelect(ctx, query, where, orderBy(userKey, userId, dir), limit));
    }
    if (invitations) {
      const where = cursor ? [...invitations, afterCursor(invitationKey, invitationId, dir, cursor)] : invitations;
      parts.push(invitationSelect(where, orderBy(invitationKey, invitationId, dir), limit));
    }
  } else {
    const neverFirst = dir === 'asc';
    const cursorIsNever = cursor !== null && cursor.key === null;
    // Which segments still lie ahead of the cursor, and which of them it falls inside.
    const datedAhead = !cursor || !cursorIsNever || neverFirst;
    const neverAhead = !cursor || cursorIsNever || !neverFirst;
    const datedCursor = cursor && !cursorIsNever ? cursor : null;
    const neverCursor = cursor && cursorIsNever ? cursor : null;
    if (users && datedAhead) {
      const where = [...users, sql`u."lastActiveAt" IS NOT NULL`];
      if (datedCursor) where.push(afterCursor(userKey, userId, dir, datedCursor));
      parts.push(userSelect(ctx, query, where, orderBy(userKey, userId, dir), limit));
    }
    if (users && neverAhead) {
      const where = [...users, sql`u."lastActiveAt" IS NULL`];
      if (neverCursor) where.push(afterCursor(null, userId, dir, neverCursor));
      parts.push(userSelect(ctx, query, where, orderBy(null, userId, dir), limit));
    }
    if (invitations && neverAhead) {
      const where = neverCursor ? [...invitations, afterCursor(null, invitationId, dir, neverCursor)] : invitations;
      parts.push(invitationSelect(where, orderBy(null, invitationId, dir), limit));
    }
  }
  if (!parts.length) return null;

  const outerOrder =
    sort === 'lastActive'
      ? dir === 'asc'
        ? sql`"lastActiveAt" ASC NULLS FIRST, "sortId" ASC`
        : sql`"lastActiveAt" DESC NULLS LAST, "sortId" DESC`
      : orderBy(OUTER_KEY[sort], sql`"sortId"`, dir);
  return sql`SELECT * FROM (${Prisma.join(parts, ' UNION ALL ')}) AS "rows" ORDER BY ${outerOrder} LIMIT ${limit}`;
}

async function fetchRows(db: Db, ctx: SiteContext, query: UsersListQuery, dir: SortDirection, cursor: Cursor | null, limit: number) {
  const statement = pageSql(ctx, query, dir, cursor, limit);
  return statement ? db.$queryRaw<RawRow[]>(statement) : [];
}

function toRow(raw: RawRow, ctx: SiteContext, now: Date): UserListRow {
  const invitation = raw.kind === 'invitation';
  return {
    kind: raw.kind,
    id: invitation ? raw.invitationId! : raw.userId!,
    userId: raw.userId,
    name: raw.name,
    email: raw.email,
    external: isExternalDomain(raw.emailDomain, ctx.verifiedDomains),
    jiraRole: raw.role,
    isSiteAdmin: raw.isSiteAdmin,
    status: invitation
      ? raw.expiresAt && raw.expiresAt <= now
        ? 'INVITATION_EXPIRED'
        : 'INVITED'
      : raw.suspendedAt
        ? 'SUSPENDED'
        : 'ACTIVE',
    space: raw.role === 'GUEST' && raw.spaceKey && raw.spaceName ? { key: raw.spaceKey, name: raw.spaceName } : null,
    lastActiveAt: raw.lastActiveAt,
    addedAt: raw.addedAt,
  };
}

function cursorOf(raw: RawRow, query: UsersListQuery): string {
  const key = { name: raw.name, email: raw.email, lastActive: raw.lastActiveAt?.toISOString() ?? null, added: raw.addedAt.toISOString() }[query.sort];
  return encodeCursor({ sort: query.sort, dir: query.dir, key, id: raw.sortId });
}

// ---------------------------------------------------------------------------------------------
// Public data functions

/** One page of the Users list for site admins. */
export async function listSiteUsers(
  db: Db,
  viewer: Viewer,
  query: Partial<UsersListQuery> = {},
  options: { pageSize?: number; now?: Date } = {},
): Promise<UsersPage> {
  assertCan(viewer, 'admin.users.view');
  const q = completeQuery(query);
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? USERS_PAGE_SIZE), 1), 1000);
  const now = options.now ?? new Date();
  const ctx = siteContextOf(viewer, now);
  const page = (raws: RawRow[], next: string | null, previous: string | null): UsersPage => ({
    rows: raws.map((raw) => toRow(raw, ctx, now)),
    next,
    previous,
  });

  const before = decodeCursor(q.before, q.sort, q.dir);
  if (before) {
    const raws = await fetchRows(db, ctx, q, flip(q.dir), before, pageSize + 1);
    // Fewer than a full page before the cursor means this is the first page: show it whole.
    if (raws.length >= pageSize) {
      const rows = raws.slice(0, pageSize).reverse();
      return page(rows, cursorOf(rows[rows.length - 1], q), raws.length > pageSize ? cursorOf(rows[0], q) : null);
    }
  }
  const after = before ? null : decodeCursor(q.after, q.sort, q.dir);
  const raws = await fetchRows(db, ctx, q, q.dir, after, pageSize + 1);
  const rows = raws.slice(0, pageSize);
  const next = raws.length > pageSize ? cursorOf(rows[rows.length - 1], q) : null;
  const previous = after ? (rows.length ? cursorOf(rows[0], q) : q.after) : null;
  return page(rows, next, previous);
}

/** EXPLAIN of the statement behind a page (first page, or after `query.after`). */
export async function explainSiteUsersQuery(
  db: Db,
  viewer: Viewer,
  query: Partial<UsersListQuery> = {},
  options: { pageSize?: number; analyze?: boolean; now?: Date } = {},
): Promise<string> {
  assertCan(viewer, 'admin.users.view');
  const q = completeQuery(query);
  const ctx = siteContextOf(viewer, options.now ?? new Date());
  const statement = pageSql(ctx, q, q.dir, decodeCursor(q.after, q.sort, q.dir), (options.pageSize ?? USERS_PAGE_SIZE) + 1);
  if (!statement) return '';
  const plan = await db.$queryRaw<{ 'QUERY PLAN': string }[]>(
    options.analyze ? sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}` : sql`EXPLAIN ${statement}`,
  );
  return plan.map((line) => line['QUERY PLAN']).join('\n');
}

export type UsersSummary = {
  /** What billing counts. */
  licensedSeats: number;
  /** Guests on the site plus pending guest invitations. */
  guestsUsed: number;
  guestAllowance: number;
  pendingAccessRequests: number;
};

/** The figures above the table and the count on "Approve requests". */
export async function usersSummary(db: Db, viewer: Viewer, now = new Date()): Promise<UsersSummary> {
  assertCan(viewer, 'admin.users.view');
  // One statement with the site's usage: the page pays one round trip for its figures.
  const rows = await db.$queryRaw<(SiteUsageRow & { pendingRequests: bigint })[]>(sql`
    SELECT u.*, (SELECT count(*) FROM "AccessRequest" ar WHERE ar."siteId" = ${viewer.site.id} AND ar."state" = 'PENDING') AS "pendingRequests"
    FROM (${siteUsageSql(viewer.site.id, now)}) u`);
  if (!rows[0]) throw new Error(`No site ${viewer.site.id}.`);
  const usage = siteUsageOf(rows[0]);
  return {
    licensedSeats: usage.licensedSeats,
    guestsUsed: usage.guests + usage.pendingGuestInvitations,
    guestAllowance: usage.guestAllowance,
    pendingAccessRequests: Number(rows[0].pendingRequests),
  };
}

// ---------------------------------------------------------------------------------------------
// Labels shared by the page and the export

export const JIRA_ROLE_LABEL: Record<JiraRole, string> = { GUEST: 'Guest', USER: 'User', ADMIN: 'Admin' };

/** "Nov 26, 2026", in UTC so the server's time zone never shifts a date. */
export function formatListDate(date: Date): string {
  return formatUtcDate(date);
}

export function roleLabel(row: Pick<UserListRow, 'jiraRole'>): string {
  return row.jiraRole ? JIRA_ROLE_LABEL[row.jiraRole] : 'No access';
}

export function statusLabel(row: Pick<UserListRow, 'status' | 'addedAt'>): string {
  switch (row.status) {
    case 'ACTIVE':
      return 'Active';
    case 'SUSPENDED':
      return 'Suspended';
    case 'INVITED':
      return `Invited ${formatListDate(row.addedAt)}`;
    case 'INVITATION_EXPIRED':
      return 'Invitation expired';
  }
}

/** Guests: "Marketing (MKT)" or "No space"; null for everyone else (the column does not apply). */
export function spaceLabel(row: Pick<UserListRow, 'kind' | 'jiraRole' | 'space'>): string | null {
  if (row.kind !== 'user' || row.jiraRole !== 'GUEST') return null;
  return row.space ? `${row.space.name} (${row.space.key})` : 'No space';
}

// ---------------------------------------------------------------------------------------------
// Export users (CSV)

export const USERS_CSV_HEADER = ['Name', 'Email', 'External', 'Jira role', 'Status', 'Space', 'Last active', 'Added'] as const;
const EXPORT_BATCH_SIZE = 500;

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export function usersExportFilename(now = new Date()): string {
  return `users-${isoDate(now)}.csv`;
}

function csvStatus(row: UserListRow): string {
  // The invitation date has its own column (Added); a date inside Status would not sort or filter.
  return row.status === 'INVITED' ? 'Invited' : statusLabel(row);
}

/**
 * Every row matching the query's filters (cursors ignored), as CSV text in chunks: the header,
 * then one chunk per keyset batch, so memory stays bounded however many people the site has.
 * The policy is asked before anything is read.
 */
export function siteUsersCsv(db: Db, viewer: Viewer, query: Partial<UsersListQuery> = {}, options: { now?: Date; batchSize?: number } = {}): AsyncIterable<string> {
  assertCan(viewer, 'admin.users.view');
  const base = { ...query, after: null, before: null };
  return (async function* () {
    // A byte-order mark, so Excel reads the UTF-8 names correctly.
    yield `\uFEFF${csvRow(USERS_CSV_HEADER)}`;
    let after: string | null = null;
    do {
      const page: UsersPage = await listSiteUsers(db, viewer, { ...base, after }, { pageSize: options.batchSize ?? EXPORT_BATCH_SIZE, now: options.now });
      if (page.rows.length) {
        yield page.rows
          .map((row) =>
            csvRow([
              row.name,
              row.email,
              row.external ? 'Yes' : 'No',
              roleLabel(row),
              csvStatus(row),
              spaceLabel(row) ?? '',
              row.lastActiveAt ? isoDate(row.lastActiveAt) : 'Never',
              isoDate(row.addedAt),
            ]),
          )
          .join('');
      }
      after = page.next;
    } while (after);
  })();
}
