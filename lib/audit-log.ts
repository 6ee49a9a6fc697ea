// Settings → Audit log: the site's administrative events, newest first, filtered and paged by
// keyset on (createdAt desc, id desc), and the same rows as a CSV export.
//
// Every page is one $queryRaw built from Prisma.sql fragments (input only ever travels as bound
// parameters). It reads "AuditEvent" in index order — (siteId, createdAt desc, id desc), or
// (siteId, action, createdAt desc, id desc) when an action is chosen — with a LIMIT, so the cost
// of a page does not grow with the size of the log or the depth of the page
// (see tests/integration/audit-log.test.ts, EXPLAIN on 50,000 events).
import { z } from 'zod';
import { cleanSearch as cleanSearchTerm, CONTROL_CHARACTERS, queryParam, searchParamsRecord, type SearchParamsInput } from './query-string';
import type { Db } from './db/client';
import { Prisma } from './db/generated/client';
import { assertCan, type Viewer } from './access/policy';
import { csvRow } from './csv';
import { decodeInstantCursor, encodeInstantCursor } from './keyset-cursor';

// ---------------------------------------------------------------------------------------------
// Actions

/** Every action name written today (lib/**: writeAudit, prisma/seed.ts), with what the log shows. */
export const AUDIT_ACTION_LABELS = {
  'invitation.created': 'Invited user',
  'invitation.resent': 'Invitation resent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'access_request.created': 'Access requested',
  'access_request.approved': 'Access request approved',
  'access_request.denied': 'Access request denied',
  'user.role.changed': 'Role changed',
  'user.suspended': 'Access suspended',
  'user.restored': 'Access restored',
  'user.access.removed': 'Access removed',
  'space.member.added': 'Added to space',
  'space.member.role_changed': 'Space role changed',
  'space.member.removed': 'Removed from space',
  'guest.access.granted': 'Guest access granted',
  'guest.access.revoked': 'Guest access revoked',
  'guest.expiry.changed': 'Guest access expiry changed',
  'guest.access.expired': 'Guest access expired',
  'guest.expiry_default.changed': 'Default guest access length changed',
  'workitem.shared': 'Work item shared',
  'workitem.unshared': 'Work item unshared',
  'billing.plan.changed': 'Plan changed',
  'site.seeded': 'Site created',
  'security.policy.changed': 'External user security changed',
  'security.sessions.reset': 'External user sessions reset',
  'security.2sv.reset': 'Two-step verification reset',
  'security.2sv.enrolled': 'Two-step verification turned on',
  'security.2sv.disabled': 'Two-step verification turned off',
  'security.2sv.recovery_codes.regenerated': 'Recovery codes regenerated',
  'security.2sv.verified': 'Two-step verification passed',
  'security.2sv.failed': 'Two-step verification failed',
  'security.reverified': 'Re-verified',
  'security.reverify.failed': 'Re-verification failed',
  'api_token.created': 'API token created',
  'api_token.revoked': 'API token revoked',
  'org_api_key.created': 'Organization API key created',
  'org_api_key.revoked': 'Organization API key revoked',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as [AuditAction, ...AuditAction[]];

/** The human label of an action name; a name the log does not know is shown as it is. */
export function auditActionLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action as AuditAction] : action;
}

// ---------------------------------------------------------------------------------------------
// Query string

export const AUDIT_LOG_PAGE_SIZE = 50;
const MAX_SEARCH_LENGTH = 100;
/** Below this many characters a substring has no trigram to look up, so match a prefix instead. */
const SUBSTRING_SEARCH_MIN_LENGTH = 3;
/** Who the log names for events no person caused (the seed, background jobs). */
export const SYSTEM_ACTOR_NAME = 'Portico';

export type AuditLogQuery = {
  /** Name or email of the person who acted (substring, case-insensitive). */
  actor: string;
  action: AuditAction | null;
  /** Name or email of the person (or invited address) the event is about. */
  target: string;
  /** First and last day shown, as YYYY-MM-DD in UTC (both inclusive). */
  from: string | null;
  to: string | null;
  /** Opaque keyset cursors from a previous page (Next / Previous links). */
  after: string | null;
  before: string | null;
};

export const DEFAULT_AUDIT_LOG_QUERY: AuditLogQuery = { actor: '', action: null, target: '', from: null, to: null, after: null, before: null };

const cleanSearch = (value: string) => cleanSearchTerm(value, MAX_SEARCH_LENGTH);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar day from 1970 to 9999 (rejects 2026-02-30 and the like). */
function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1970) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** From after To reads as the same range typed the other way round. */
function orderedRange(from: string | null, to: string | null): { from: string | null; to: string | null } {
  return from && to && from > to ? { from: to, to: from } : { from, to };
}

const param = queryParam;
const dayParam = param(z.string().refine(isDay)).nullable().catch(null);

// Each field falls back on its own: a hand-edited or stale URL still shows a page, never a 500.
const QuerySchema = z.object({
  actor: param(z.string().transform(cleanSearch)).catch(''),
  action: param(z.enum(AUDIT_ACTIONS)).nullable().catch(null),
  target: param(z.string().transform(cleanSearch)).catch(''),
  from: dayParam,
  to: dayParam,
  after: param(z.string().max(200)).nullable().catch(null),
  before: param(z.string().max(200)).nullable().catch(null),
});

export function parseAuditLogQuery(input: SearchParamsInput): AuditLogQuery {
  const parsed = QuerySchema.parse(searchParamsRecord(input));
  return {
    actor: parsed.actor,
    action: parsed.action,
    target: parsed.target,
    ...orderedRange(parsed.from, parsed.to),
    after: parsed.after || null,
    before: parsed.before || null,
  };
}

/** A complete, clean query from a partial one (what the data functions accept). */
function completeQuery(query: Partial<AuditLogQuery>): AuditLogQuery {
  const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Partial<AuditLogQuery>;
  const q = { ...DEFAULT_AUDIT_LOG_QUERY, ...given };
  return {
    ...q,
    actor: cleanSearch(q.actor),
    target: cleanSearch(q.target),
    action: q.action && Object.hasOwn(AUDIT_ACTION_LABELS, q.action) ? q.action : null,
    ...orderedRange(q.from && isDay(q.from) ? q.from : null, q.to && isDay(q.to) ? q.to : null),
  };
}

export function isAuditLogFiltered(query: AuditLogQuery): boolean {
  return Boolean(query.actor || query.action || query.target || query.from || query.to);
}

/** The audit log URL (or the export's, with `path`) for `query` with `changes` applied. */
export function auditLogHref(query: AuditLogQuery, changes: Partial<AuditLogQuery> = {}, path = '/admin/audit-log'): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.actor) params.set('actor', next.actor);
  if (next.action) params.set('action', next.action);
  if (next.target) params.set('target', next.target);
  if (next.from) params.set('from', next.from);
  if (next.to) params.set('to', next.to);
  if (next.after) params.set('after', next.after);
  if (next.before) params.set('before', next.before);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

// ---------------------------------------------------------------------------------------------
// Cursors: [createdAt, id] (lib/keyset-cursor.ts).

type Cursor = { createdAt: Date; id: bigint };

const AUDIT_ID = /^[1-9]\d{0,18}$/;

function encodeCursor(row: { createdAt: Date; id: bigint }): string {
  return encodeInstantCursor(row.createdAt, row.id.toString());
}

function decodeCursor(raw: string | null): Cursor | null {
  const cursor = decodeInstantCursor(raw, AUDIT_ID);
  if (!cursor) return null;
  const id = BigInt(cursor.id);
  if (id > 9223372036854775807n) return null;
  return { createdAt: cursor.at, id };
}

// ---------------------------------------------------------------------------------------------
// SQL

const sql = Prisma.sql;
type Direction = 'newest' | 'oldest';

/**
 * "createdAt" is timestamp(3) without time zone, holding UTC. Bound as text without a zone and
 * cast, so the session's TimeZone setting can never shift a boundary.
 */
const timestampSql = (date: Date) => sql`${date.toISOString().replace('T', ' ').replace('Z', '')}::timestamp(3)`;

const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
const nextDayStart = (day: string) => new Date(dayStart(day).getTime() + 86_400_000);

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * ILIKE patterns for a name/email box; pg_trgm's GIN indexes on "User".name/email serve both.
 * One or two characters hold no trigram, so those match a prefix of the value or of a word in the name.
 */
function searchPatterns(q: string): { anywhere: string; nameWord: string | null } {
  const escaped = escapeLike(q);
  if ([...q].length >= SUBSTRING_SEARCH_MIN_LENGTH) return { anywhere: `%${escaped}%`, nameWord: null };
  return { anywhere: `${escaped}%`, nameWord: `% ${escaped}%` };
}

/** The people whose name or email matches `q`. */
function matchingUsersSql(q: string, limit: number | null): Prisma.Sql {
  const { anywhere, nameWord } = searchPatterns(q);
  const terms = [sql`u."name" ILIKE ${anywhere}`, sql`u."email" ILIKE ${anywhere}`];
  if (nameWord) terms.push(sql`u."name" ILIKE ${nameWord}`);
  return sql`SELECT u."id" FROM "User" u WHERE ${Prisma.join(terms, ' OR ')}${limit === null ? sql`` : sql` LIMIT ${limit}`}`;
}

/**
 * Up to this many matching people are bound as an array of ids, so the planner sees how many
 * events they have (column statistics) and can read them through the (actorId | targetUserId,
 * createdAt desc) indexes. A search matching more people than this is not selective: it stays a
 * subquery, filtered while the site index is read in order.
 */
const MAX_BOUND_PEOPLE = 500;

/** `column` is one of the people matching `q`, as an index-friendly predicate. */
async function personCondition(db: Db, column: Prisma.Sql, q: string): Promise<Prisma.Sql> {
  const found = await db.$queryRaw<{ id: string }[]>(matchingUsersSql(q, MAX_BOUND_PEOPLE + 1));
  if (found.length > MAX_BOUND_PEOPLE) return sql`${column} IN (${matchingUsersSql(q, null)})`;
  return sql`${column} = ANY(${found.map((row) => row.id)}::text[])`;
}

/** The WHERE terms of a query: the site first, then each filter, input only as bound parameters. */
async function filters(db: Db, siteId: string, query: AuditLogQuery): Promise<Prisma.Sql[]> {
  const where = [sql`a."siteId" = ${siteId}`];
  if (query.action) where.push(sql`a."action" = ${query.action}`);
  if (query.from) where.push(sql`a."createdAt" >= ${timestampSql(dayStart(query.from))}`);
  if (query.to) where.push(sql`a."createdAt" < ${timestampSql(nextDayStart(query.to))}`);
  if (query.actor) {
    const actor = await personCondition(db, sql`a."actorId"`, query.actor);
    // System events show "Portico" as their actor, so that name finds them.
    const system = SYSTEM_ACTOR_NAME.toLowerCase().includes(query.actor.toLowerCase());
    where.push(system ? sql`(${actor} OR a."actorId" IS NULL)` : actor);
  }
  if (query.target) {
    // Invitations and requests from people without an account name their address in before/after.
    const person = await personCondition(db, sql`a."targetUserId"`, query.target);
    const { anywhere } = searchPatterns(query.target);
    where.push(sql`(${person} OR (a."targetUserId" IS NULL AND COALESCE(a."after"->>'email', a."before"->>'email') ILIKE ${anywhere}))`);
  }
  return where;
}

function pageSql(filtered: Prisma.Sql[], direction: Direction, cursor: Cursor | null, limit: number): Prisma.Sql {
  const where = [...filtered];
  const newest = direction === 'newest';
  if (cursor) {
    // One row comparison, which the (…, createdAt desc, id desc) indexes range-scan.
    const compare = newest ? sql`<` : sql`>`;
    where.push(sql`(a."createdAt", a."id") ${compare} (${timestampSql(cursor.createdAt)}, ${cursor.id})`);
  }
  const order = newest ? sql`a."createdAt" DESC, a."id" DESC` : sql`a."createdAt" ASC, a."id" ASC`;
  return sql`SELECT a."id", a."createdAt", a."action", a."actorId",
      au."name" AS "actorName", au."email" AS "actorEmail",
      a."targetType", a."targetId", a."targetUserId", tu."name" AS "targetName", tu."email" AS "targetEmail",
      a."before", a."after", a."ip"
    FROM "AuditEvent" a
    LEFT JOIN "User" au ON au."id" = a."actorId"
    LEFT JOIN "User" tu ON tu."id" = a."targetUserId"
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${order}
    LIMIT ${limit}`;
}

type RawRow = {
  id: bigint;
  createdAt: Date;
  action: string;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  targetUserId: string | null;
  targetName: string | null;
  targetEmail: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
};

async function fetchRows(db: Db, filtered: Prisma.Sql[], direction: Direction, cursor: Cursor | null, limit: number) {
  return db.$queryRaw<RawRow[]>(pageSql(filtered, direction, cursor, limit));
}

// ---------------------------------------------------------------------------------------------
// Rows

export type AuditTarget = {
  /** The target person's name, when the event is about a person with an account. */
  name: string | null;
  email: string | null;
  /** One line: "Name (email)", the invited address, "type id", or "" when there is no target. */
  label: string;
};

export type AuditLogRow = {
  id: string;
  createdAt: Date;
  action: string;
  actionLabel: string;
  actor: { id: string; name: string; email: string } | null;
  /** The actor's name, or "Portico" for system events. */
  actorName: string;
  target: AuditTarget;
  /** before → after as "key: old → new; …" (plain text: escape it when rendering HTML). */
  details: string;
  ip: string | null;
};

export type AuditLogPage = {
  rows: AuditLogRow[];
  /** Cursor for `after=` (Next), or null on the last page. */
  next: string | null;
  /** Cursor for `before=` (Previous), or null on the first page. */
  previous: string | null;
};

const MAX_VALUE_LENGTH = 120;

/** jsonb read through $queryRaw arrives parsed; be lenient in case a driver hands back text. */
function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function detailValue(value: unknown): string {
  const text = value === null || value === undefined ? 'none' : typeof value === 'string' ? value : JSON.stringify(value);
  const clean = text.replace(CONTROL_CHARACTERS, ' ');
  return [...clean].length > MAX_VALUE_LENGTH ? `${[...clean].slice(0, MAX_VALUE_LENGTH - 1).join('')}…` : clean;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * An event's before/after as compact text: "key: old → new" for a changed value, "key: value" for
 * one that did not change or only exists on one side (an empty one-sided value is left out).
 * Keys come in jsonb's stored order (shorter keys first), the same on every read.
 */
export function formatAuditDetails(before: unknown, after: unknown): string {
  const b = json(before);
  const a = json(after);
  if ((b !== null && !isRecord(b)) || (a !== null && !isRecord(a))) {
    return b === null ? detailValue(a) : a === null ? detailValue(b) : `${detailValue(b)} → ${detailValue(a)}`;
  }
  const old = b ?? {};
  const now = a ?? {};
  const parts: string[] = [];
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    const label = detailValue(key);
    const inOld = Object.hasOwn(old, key);
    const inNow = Object.hasOwn(now, key);
    if (inOld && inNow) {
      parts.push(sameValue(old[key], now[key]) ? `${label}: ${detailValue(now[key])}` : `${label}: ${detailValue(old[key])} → ${detailValue(now[key])}`);
    } else {
      const value = inOld ? old[key] : now[key];
      if (value !== null && value !== undefined) parts.push(`${label}: ${detailValue(value)}`);
    }
  }
  return parts.join('; ');
}

function emailIn(value: unknown): string | null {
  const record = json(value);
  return isRecord(record) && typeof record.email === 'string' && record.email ? record.email : null;
}

function targetOf(raw: RawRow): AuditTarget {
  if (raw.targetUserId && raw.targetName !== null && raw.targetEmail !== null) {
    return { name: raw.targetName, email: raw.targetEmail, label: `${raw.targetName} (${raw.targetEmail})` };
  }
  const email = emailIn(raw.after) ?? emailIn(raw.before);
  if (email) return { name: null, email, label: email };
  if (raw.targetType) return { name: null, email: null, label: raw.targetId ? `${raw.targetType} ${raw.targetId}` : raw.targetType };
  return { name: null, email: null, label: '' };
}

function toRow(raw: RawRow): AuditLogRow {
  const actor = raw.actorId && raw.actorName !== null && raw.actorEmail !== null ? { id: raw.actorId, name: raw.actorName, email: raw.actorEmail } : null;
  return {
    id: raw.id.toString(),
    createdAt: raw.createdAt,
    action: raw.action,
    actionLabel: auditActionLabel(raw.action),
    actor,
    actorName: actor?.name ?? SYSTEM_ACTOR_NAME,
    target: targetOf(raw),
    details: formatAuditDetails(raw.before, raw.after),
    ip: raw.ip,
  };
}

/** "Nov 26, 2026, 23:14", in UTC so the server's time zone never shifts a date. */
export function formatAuditDate(date: Date): string {
  return AUDIT_DATE.format(date);
}

// Made once: toLocaleString(locale, options) builds a new formatter on every call (50 rows a page).
const AUDIT_DATE = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

// ---------------------------------------------------------------------------------------------
// Public data functions

const clampPageSize = (size: number | undefined) => Math.min(Math.max(Math.trunc(size ?? AUDIT_LOG_PAGE_SIZE), 1), 1000);

/** One page of the site's audit log for people with admin.audit.view, newest first. */
export async function listAuditEvents(db: Db, viewer: Viewer, query: Partial<AuditLogQuery> = {}, options: { pageSize?: number } = {}): Promise<AuditLogPage> {
  assertCan(viewer, 'admin.audit.view');
  const q = completeQuery(query);
  const pageSize = clampPageSize(options.pageSize);
  const filtered = await filters(db, viewer.site.id, q);

  const before = decodeCursor(q.before);
  if (before) {
    const raws = await fetchRows(db, filtered, 'oldest', before, pageSize + 1);
    // Fewer than a full page before the cursor means this is the first page: show it whole.
    if (raws.length >= pageSize) {
      const rows = raws.slice(0, pageSize).reverse();
      return { rows: rows.map(toRow), next: encodeCursor(rows[rows.length - 1]), previous: raws.length > pageSize ? encodeCursor(rows[0]) : null };
    }
  }
  const after = before ? null : decodeCursor(q.after);
  const raws = await fetchRows(db, filtered, 'newest', after, pageSize + 1);
  const rows = raws.slice(0, pageSize);
  return {
    rows: rows.map(toRow),
    next: raws.length > pageSize ? encodeCursor(rows[rows.length - 1]) : null,
    previous: after ? (rows.length ? encodeCursor(rows[0]) : q.after) : null,
  };
}

/** EXPLAIN of the statement behind a page (first page, after `query.after`, or before `query.before`). */
export async function explainAuditLogQuery(
  db: Db,
  viewer: Viewer,
  query: Partial<AuditLogQuery> = {},
  options: { pageSize?: number; analyze?: boolean } = {},
): Promise<string> {
  assertCan(viewer, 'admin.audit.view');
  const q = completeQuery(query);
  const filtered = await filters(db, viewer.site.id, q);
  const before = decodeCursor(q.before);
  const limit = clampPageSize(options.pageSize) + 1;
  const statement = before ? pageSql(filtered, 'oldest', before, limit) : pageSql(filtered, 'newest', decodeCursor(q.after), limit);
  const plan = await db.$queryRaw<{ 'QUERY PLAN': string }[]>(options.analyze ? sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}` : sql`EXPLAIN ${statement}`);
  return plan.map((line) => line['QUERY PLAN']).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Export (CSV)

export const AUDIT_LOG_CSV_HEADER = ['Date', 'Actor', 'Actor email', 'Action', 'Target', 'Details', 'IP'] as const;
const EXPORT_BATCH_SIZE = 500;

export function auditLogExportFilename(now = new Date()): string {
  return `audit-log-${now.toISOString().slice(0, 10)}.csv`;
}

/** One CSV record of an event (Date is ISO 8601 in UTC, to the millisecond). */
export function auditLogCsvRow(row: AuditLogRow): string {
  return csvRow([row.createdAt.toISOString(), row.actorName, row.actor?.email ?? '', row.actionLabel, row.target.label, row.details, row.ip ?? '']);
}

/**
 * Every event matching the query's filters (cursors ignored), as CSV text in chunks: the header,
 * then one chunk per keyset batch, so memory stays bounded however long the log is.
 * The policy is asked before anything is read.
 */
export function auditLogCsv(db: Db, viewer: Viewer, query: Partial<AuditLogQuery> = {}, options: { batchSize?: number } = {}): AsyncIterable<string> {
  assertCan(viewer, 'admin.audit.view');
  const base = { ...query, after: null, before: null };
  return (async function* () {
    // A byte-order mark, so Excel reads the UTF-8 names correctly.
    yield `\uFEFF${csvRow(AUDIT_LOG_CSV_HEADER)}`;
    let after: string | null = null;
    do {
      const page: AuditLogPage = await listAuditEvents(db, viewer, { ...base, after }, { pageSize: options.batchSize ?? EXPORT_BATCH_SIZE });
      if (page.rows.length) yield page.rows.map(auditLogCsvRow).join('');
      after = page.next;
    } while (after);
  })();
}
