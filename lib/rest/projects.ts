// GET /rest/api/3/project/search and GET /rest/api/3/project/{projectIdOrKey}: spaces as Jira
// projects, only those the policy lets the caller browse (a guest: their one space).
import { findSpaceForViewer, listVisibleSpaces, type SpaceForViewer } from '../spaces/queries';
import { SPACE_KEY_PATTERN } from '../work-items/schema';
import { badRequest, jsonResponse, MESSAGES, notFound } from './errors';
import { intParam, type RestContext } from './handler';
import { ENGLISH, projectJson, restUrl, userSelect, type JiraProject } from './shapes';

const MAX_PROJECT_RESULTS = 100;
const DEFAULT_PROJECT_RESULTS = 50;

/**
 * The space a path's {projectIdOrKey} names on the caller's site, when the caller may browse it;
 * a 404 in Jira's words otherwise (missing and hidden look the same). Keys are case-insensitive.
 */
export async function resolveProject(context: RestContext, idOrKey: string): Promise<SpaceForViewer> {
  const raw = idOrKey.trim().slice(0, 64);
  let key = raw.toUpperCase();
  if (!SPACE_KEY_PATTERN.test(key)) {
    const byId = await context.db.space.findFirst({ where: { id: raw, siteId: context.viewer.site.id }, select: { key: true } });
    if (!byId) throw notFound(MESSAGES.projectNotFound(raw));
    key = byId.key;
  }
  const space = await findSpaceForViewer(context.db, context.viewer, key);
  if (!space) throw notFound(MESSAGES.projectNotFound(raw));
  return space;
}

async function withLeads(context: RestContext, ids: string[]) {
  const rows = await context.db.space.findMany({
    where: { id: { in: ids }, siteId: context.viewer.site.id },
    select: { id: true, key: true, name: true, lead: { select: userSelect(context.viewer.site.id) } },
  });
  return rows;
}

const ORDER_BY = /^([+-]?)(key|name)$/;

export async function searchProjects(context: RestContext): Promise<Response> {
  const { url } = context;
  const startAt = intParam(url, 'startAt', 0, { min: 0, max: 1_000_000 });
  const maxResults = intParam(url, 'maxResults', DEFAULT_PROJECT_RESULTS, { min: 1, max: MAX_PROJECT_RESULTS });
  const orderBy = url.searchParams.get('orderBy') ?? 'key';
  const order = ORDER_BY.exec(orderBy.trim());
  if (!order) throw badRequest(`Portico can order projects by key or name only, not '${orderBy.slice(0, 40)}'.`);
  const query = (url.searchParams.get('query') ?? '').trim().toLowerCase();
  const keys = url.searchParams
    .getAll('keys')
    .flatMap((v) => v.split(','))
    .map((k) => k.trim().toUpperCase())
    .filter(Boolean);

  // The policy decides which spaces; the filters only narrow them.
  const visible = (await listVisibleSpaces(context.db, context.viewer)).filter(
    (s) => (!query || s.key.toLowerCase().includes(query) || s.name.toLowerCase().includes(query)) && (keys.length === 0 || keys.includes(s.key)),
  );
  const field = order[2] as 'key' | 'name';
  const direction = order[1] === '-' ? -1 : 1;
  visible.sort((a, b) => direction * (ENGLISH.compare(a[field], b[field]) || (a.id < b.id ? -1 : 1)));
  const page = visible.slice(startAt, startAt + maxResults);
  const byId = new Map((await withLeads(context, page.map((s) => s.id))).map((s) => [s.id, s]));
  const values: JiraProject[] = page.flatMap((s) => {
    const row = byId.get(s.id);
    return row ? [projectJson(context.viewer, row)] : [];
  });

  const total = visible.length;
  const isLast = startAt + page.length >= total;
  const pageUrl = (start: number) => {
    const params = new URLSearchParams(url.searchParams);
    params.set('startAt', String(start));
    params.set('maxResults', String(maxResults));
    return restUrl(`/project/search?${params.toString()}`);
  };
  return jsonResponse({
    self: pageUrl(startAt),
    ...(isLast ? {} : { nextPage: pageUrl(startAt + maxResults) }),
    maxResults,
    startAt,
    total,
    isLast,
    values,
  });
}

export async function getProject(context: RestContext, idOrKey: string): Promise<Response> {
  const space = await resolveProject(context, idOrKey);
  const [row] = await withLeads(context, [space.id]);
  if (!row) throw notFound(MESSAGES.projectNotFound(idOrKey));
  return jsonResponse(projectJson(context.viewer, row));
}
