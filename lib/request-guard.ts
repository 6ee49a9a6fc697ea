// Refusals every state-changing request goes through before any page, server action or route
// handler sees it (proxy.ts): a request another website made a browser send (cross-site form
// posts, fetches), and a body over the size limit, announced or not.
//
// API clients (jira.js, curl with Basic or Bearer) send no Origin and no Sec-Fetch-Site: they pass.
import { jiraError } from './rest/errors';
import { adminError } from './org-api/errors';

/** The largest request body accepted anywhere (server actions, route handlers, Auth.js). */
export const MAX_BODY_BYTES = 1024 * 1024;

export const CROSS_SITE_MESSAGE = 'Cross-site request refused: this request came from another website. Send it from Portico itself, or from an API client.';
export const BODY_TOO_LARGE_MESSAGE = 'The request body is too large. The limit is 1 MB.';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A refusal in the shape of the API the path belongs to. */
export function refusal(pathname: string, status: 403 | 413, message: string): Response {
  if (pathname.startsWith('/rest/')) return jiraError(status, [message]);
  if (pathname.startsWith('/admin/v1/') || pathname.startsWith('/admin/v2/')) return adminError(status, message);
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The hosts this app answers as: the request's own Host (or the load balancer's X-Forwarded-Host), APP_URL, AUTH_URL. */
function ownHosts(headers: Headers): Set<string> {
  const hosts = new Set<string>();
  for (const value of [headers.get('x-forwarded-host'), headers.get('host')]) {
    const first = value?.split(',')[0]?.trim().toLowerCase();
    if (first) hosts.add(first);
  }
  for (const url of [process.env.APP_URL, process.env.AUTH_URL]) {
    const host = hostOf(url);
    if (host) hosts.add(host);
  }
  return hosts;
}

/** Whether a state-changing request was sent by a page of another site. */
export function isCrossSite(headers: Headers): boolean {
  if (headers.get('sec-fetch-site')?.toLowerCase() === 'cross-site') return true;
  const origin = headers.get('origin');
  if (origin === null) return false; // not a browser's cross-origin request: API clients, curl
  const host = hostOf(origin); // "null" (sandboxed frames, privacy redirects) has none
  return host === null || !ownHosts(headers).has(host);
}

/** The first check, on headers only: cross-site, or a Content-Length over the limit. */
export function guardRequestHeaders(method: string, pathname: string, headers: Headers): Response | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (isCrossSite(headers)) return refusal(pathname, 403, CROSS_SITE_MESSAGE);
  const length = headers.get('content-length');
  if (length !== null && !(Number(length) <= MAX_BODY_BYTES)) return refusal(pathname, 413, BODY_TOO_LARGE_MESSAGE);
  return null;
}

/** Whether a body stream holds more than `limit` bytes; stops reading as soon as it does. */
export async function bodyExceeds(body: ReadableStream<Uint8Array> | null, limit = MAX_BODY_BYTES): Promise<boolean> {
  if (!body) return false;
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      total += value.byteLength;
      if (total > limit) return true;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The whole guard for one request. A body without Content-Length (chunked) is counted as it is
 * read, from the copy Next buffers for the proxy. Next cuts that copy at
 * `proxyClientMaxBodySize` (next.config.mjs: 2 MB), dropping the chunk that crosses it, so a
 * larger body still shows here as more than the 1 MB limit.
 */
export async function guardRequest(request: Request, pathname = new URL(request.url).pathname): Promise<Response | null> {
  const refused = guardRequestHeaders(request.method, pathname, request.headers);
  if (refused) return refused;
  if (SAFE_METHODS.has(request.method.toUpperCase()) || request.headers.get('content-length') !== null) return null;
  return (await bodyExceeds(request.body)) ? refusal(pathname, 413, BODY_TOO_LARGE_MESSAGE) : null;
}
