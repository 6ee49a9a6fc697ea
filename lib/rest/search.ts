// GET and POST /rest/api/3/search/jql: work items of one space as Jira issues, keyset-paginated
// with nextPageToken. The JQL understood is `project = KEY [ORDER BY created [ASC|DESC]]` (keywords
// case-insensitive, the value a key, id or quoted name); anything else is a 400. Only items of a
// space the caller may browse are returned: an item shared with a guest from another space is not.
import { z } from 'zod';
import { findSpaceForViewer, listVisibleSpaces } from '../spaces/queries';
import { badRequest, invalidBody, jsonResponse } from './errors';
import { intParam, readJsonBody, type RestContext } from './handler';
import { ISSUE_FIELDS, issueJson, userSelect, type IssueField } from './shapes';

const MAX_ISSUE_RESULTS = 100;
const DEFAULT_ISSUE_RESULTS = 50;
const MAX_JQL = 1000;

export type Direction = 'asc' | 'desc';
export type ParsedJql = { project: string; direction: Direction };

export const UNSUPPORTED_JQL = 'Portico supports JQL of the form: project = KEY [ORDER BY created [ASC|DESC]].';
export const UNBOUNDED_JQL = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
export const INVALID_PAGE_TOKEN = 'The nextPageToken is invalid, or belongs to another query.';
export const unknownProjectInJql = (value: string) => `The value '${value}' does not exist for the field 'project'.`;

const JQL =
  /^\s*project\s*=\s*(?:"((?:[^"\\]|\\.){1,255})"|'((?:[^'\\]|\\.){1,255})'|([A-Za-z0-9_-]{1,64}))(\s+order\s+by\s+created(?:\s+(asc|desc))?)?\s*$/i;

/**
 * `project = KEY` (newest first) or `project = KEY ORDER BY created ASC|DESC` (no direction means
 * ascending, the order of the field); null for anything else.
 */
export function parseJql(jql: string): ParsedJql | null {
  const match = JQL.exec(jql);
  if (!match) return null;
  const quoted = match[1] ?? match[2];
  const project = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : match[3];
  const direction: Direction = match[5] ? (match[5].toLowerCase() as Direction) : match[4] ? 'asc' : 'desc';
  return { project: project.trim(), direction };
}

// nextPageToken: the last item's (created, id), bound to the space and the direction.
const Cursor = z.object({ s: z.string().min(1).max(64), d: z.enum(['asc', 'desc']), c: z.iso.datetime(), i: z.string().min(1).max(64) });
type Cursor = z.infer<typeof Cursor>;

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(raw: string, spaceId: string, direction: Direction): Cursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw.slice(0, 1000), 'base64url').toString('utf8'));
  } catch {
    throw badRequest(INVALID_PAGE_TOKEN);
  }
  const parsed = Cursor.safeParse(json);
  if (!parsed.success || parsed.data.s !== spaceId || parsed.data.d !== direction) throw badRequest(INVALID_PAGE_TOKEN);
  return parsed.data;
}

/** Which fields to return: all five unless `fields` names some (`*all` / `*navigable` = all). */
function requestedFields(fields: string[] | null): ReadonlySet<IssueField> {
  const names = (fields ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  if (names.length === 0 || names.includes('*all') || names.includes('*navigable')) return new Set(ISSUE_FIELDS);
  return new Set(ISSUE_FIELDS.filter((f) => names.includes(f)));
}

type SearchInput = { jql: string; maxResults: number; nextPageToken: string | null; fields: string[] | null };

async function runSearch(context: RestContext, input: SearchInput): Promise<Response> {
  const { db, viewer } = context;
  const jql = input.jql.trim();
  if (!jql) throw badRequest(UNBOUNDED_JQL);
  if (jql.length > MAX_JQL) throw badRequest(UNSUPPORTED_JQL);
  const parsed = parseJql(jql);
  if (!parsed) throw badRequest(UNSUPPORTED_JQL);

  // The value names a space only among those the policy shows the caller (by key, id or name).
  const wanted = parsed.project;
  const visible = await listVisibleSpaces(db, viewer);
  const match =
    visible.find((s) => s.key === wanted.toUpperCase()) ??
    visible.find((s) => s.id === wanted) ??
    visible.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  const space = match ? await findSpaceForViewer(db, viewer, match.key) : null;
  if (!space || !space.permissions.has('browse')) throw badRequest(unknownProjectInJql(wanted));

  const dir = parsed.direction;
  const cursor = input.nextPageToken ? decodeCursor(input.nextPageToken, space.id, dir) : null;
  const after = cursor ? new Date(cursor.c) : null;
  const items = await db.workItem.findMany({
    where: {
      spaceId: space.id,
      ...(cursor && after
        ? dir === 'asc'
          ? { OR: [{ createdAt: { gt: after } }, { createdAt: after, id: { gt: cursor.i } }] }
          : { OR: [{ createdAt: { lt: after } }, { createdAt: after, id: { lt: cursor.i } }] }
        : {}),
    },
    orderBy: [{ createdAt: dir }, { id: dir }],
    take: input.maxResults + 1,
    select: {
      id: true,
      number: true,
      summary: true,
      status: true,
      createdAt: true,
      updatedAt: true,
      assignee: { select: userSelect(viewer.site.id) },
    },
  });
  const page = items.slice(0, input.maxResults);
  const isLast = items.length <= input.maxResults;
  const last = page.at(-1);
  const fields = requestedFields(input.fields);
  return jsonResponse({
    issues: page.map((item) => issueJson(viewer, space.key, item, fields)),
    ...(!isLast && last ? { nextPageToken: encodeCursor({ s: space.id, d: dir, c: last.createdAt.toISOString(), i: last.id }) } : {}),
    isLast,
  });
}

export async function searchIssuesGet(context: RestContext): Promise<Response> {
  const { url } = context;
  return runSearch(context, {
    jql: url.searchParams.get('jql') ?? '',
    maxResults: intParam(url, 'maxResults', DEFAULT_ISSUE_RESULTS, { min: 1, max: MAX_ISSUE_RESULTS }),
    nextPageToken: url.searchParams.get('nextPageToken') || null,
    fields: url.searchParams.has('fields') ? url.searchParams.getAll('fields') : null,
  });
}

const SearchBody = z.object(
  {
    jql: z.string().max(MAX_JQL * 2).optional(),
    maxResults: z.number().int().optional(),
    nextPageToken: z.string().max(2000).nullish(),
    fields: z.array(z.string().max(200)).max(100).optional(),
  },
  { error: 'Invalid request payload. Refer to the REST API documentation and try again.' },
);

export async function searchIssuesPost(context: RestContext): Promise<Response> {
  const parsed = SearchBody.safeParse(await readJsonBody(context.request));
  if (!parsed.success) throw invalidBody(parsed.error.issues, 'Invalid request payload.');
  const body = parsed.data;
  return runSearch(context, {
    jql: body.jql ?? '',
    maxResults: Math.min(MAX_ISSUE_RESULTS, Math.max(1, body.maxResults ?? DEFAULT_ISSUE_RESULTS)),
    nextPageToken: body.nextPageToken || null,
    fields: body.fields ?? null,
  });
}
