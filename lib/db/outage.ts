// Whether this server process has seen the database go away, and a cheap check that it is back.
// The app's Prisma client reports trouble (a pooled connection dropped by the server, a query that
// could not reach it); until a TCP connection to PostgreSQL's port succeeds again, proxy.ts answers
// requests with 503 "temporarily unavailable" instead of rendering pages that would fail. In normal
// operation nothing is probed: the check is one property read.
import net from 'node:net';
import { jiraError } from '../rest/errors';
import { adminError } from '../org-api/errors';
import { RETRY_AFTER_HEADERS, UNAVAILABLE_MESSAGE } from './unavailable';

/** At most one probe per interval per process; the answer is shared meanwhile. */
const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 500;

type OutageState = { since: number | null; probe: Promise<boolean> | null; probedAt: number };
// On globalThis: the proxy and the pages are separate bundles in one process.
const holder = globalThis as unknown as { porticoDatabaseOutage?: OutageState };
const state = (holder.porticoDatabaseOutage ??= { since: null, probe: null, probedAt: 0 });

export function reportDatabaseTrouble(): void {
  state.since ??= Date.now();
}

function probe(connectionString: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return Promise.resolve(true);
  }
  const socketPath = url.searchParams.get('host');
  return new Promise((resolve) => {
    const socket = socketPath?.startsWith('/')
      ? net.connect({ path: `${socketPath}/.s.PGSQL.${url.port || 5432}` })
      : net.connect({ host: url.hostname || 'localhost', port: Number(url.port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** False while the database is known to be away (reported, and still not accepting connections). */
export async function databaseAvailable(connectionString = process.env.DATABASE_URL): Promise<boolean> {
  if (state.since === null || !connectionString) return true;
  if (!state.probe || Date.now() - state.probedAt > PROBE_INTERVAL_MS) {
    state.probedAt = Date.now();
    state.probe = probe(connectionString).then((ok) => {
      if (ok) state.since = null;
      return ok;
    });
  }
  return state.probe;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The 503 for a request while the database is away: each API's error body, a plain page otherwise. */
export function unavailableResponse(pathname: string): Response {
  const headers = { ...RETRY_AFTER_HEADERS, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' };
  if (pathname.startsWith('/rest/')) return jiraError(503, [UNAVAILABLE_MESSAGE], {}, headers);
  if (/^\/admin\/v\d\//.test(pathname)) return adminError(503, UNAVAILABLE_MESSAGE, headers);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Temporarily unavailable · Portico</title></head>
<body style="font-family: system-ui, sans-serif; background: #f7f8f9; margin: 0"><main style="max-width: 28rem; margin: 5rem auto; background: #fff; padding: 2rem; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.2)" role="alert">
<h1 style="font-size: 1.25rem; margin: 0 0 .5rem">Temporarily unavailable</h1><p style="color: #44546f">${escapeHtml(UNAVAILABLE_MESSAGE)}</p>
<p><a href="">Try again</a></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}

/**
 * For proxy.ts: the 503 to answer with, or null to carry on. Server actions are let through: they
 * answer "temporarily unavailable" in their own result shape (lib/actions.ts), which the form shows.
 */
export async function outageResponse(request: Request & { nextUrl: URL }): Promise<Response | null> {
  if (request.headers.has('next-action')) return null;
  return (await databaseAvailable()) ? null : unavailableResponse(request.nextUrl.pathname);
}
