// proxy.ts's refusals, on the proxy itself: cross-site state-changing requests (403) and bodies
// over 1 MB (413), for server actions (POSTs to pages), the Jira REST API, the organization admin
// API and Auth.js; API clients without an Origin keep working. e2e/security.spec.ts does the same
// against the real server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { proxy } from '@/proxy';
import { readJsonBody } from '@/lib/rest/handler';
import { RestError } from '@/lib/rest/errors';

const APP = 'http://localhost:3000';
const CROSS_SITE = 'Cross-site request refused: this request came from another website. Send it from Portico itself, or from an API client.';
const TOO_LARGE = 'The request body is too large. The limit is 1 MB.';

function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit | null } = {}) {
  const headers = new Headers({ host: 'localhost:3000', ...init.headers });
  return new NextRequest(`${APP}${path}`, { method: init.method ?? 'POST', headers, body: init.body ?? null, duplex: 'half' } as ConstructorParameters<typeof NextRequest>[1]);
}

/** A body sent in chunks, with no Content-Length. */
function chunked(bytes: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(chunk, bytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

const passed = (response: Response) => response.headers.get('x-middleware-next') === '1';

let savedAppUrl: string | undefined;
beforeEach(() => {
  savedAppUrl = process.env.APP_URL;
  delete process.env.APP_URL;
});
afterEach(() => {
  if (savedAppUrl === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = savedAppUrl;
});

describe('cross-site requests are refused on every state-changing path', () => {
  it('a server action posted from another site: 403 with a clear message', async () => {
    const response = await proxy(request('/admin/users', { headers: { origin: 'https://evil.example', 'next-action': 'abc', 'content-type': 'text/plain' }, body: '[]' }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: CROSS_SITE });
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the Jira REST API: 403 in Jira’s error shape', async () => {
    const response = await proxy(request('/rest/api/3/project/MKT/role/10002', { headers: { origin: 'https://evil.example', authorization: 'Basic eDp5' } }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errorMessages: [CROSS_SITE], errors: {} });
  });

  it('the organization admin API: 403 in its error shape, also when only Sec-Fetch-Site says cross-site', async () => {
    const response = await proxy(request('/admin/v1/orgs/o/users/u/suspend', { headers: { 'sec-fetch-site': 'cross-site', authorization: 'Bearer k' } }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ status: '403', code: 'ADMIN-403', title: 'Forbidden', detail: CROSS_SITE }] });
  });

  it('Auth.js (sign-in and sign-out posts), a DELETE, and an opaque "null" origin', async () => {
    for (const [path, method, origin] of [
      ['/api/auth/callback/credentials', 'POST', 'https://evil.example'],
      ['/api/auth/signout', 'POST', 'http://localhost:3001'],
      ['/admin/v1/orgs/o/users/u', 'DELETE', 'https://evil.example'],
      ['/login', 'POST', 'null'],
    ] as const) {
      const response = await proxy(request(path, { method, headers: { origin } }));
      expect(response.status, `${method} ${path} from ${origin}`).toBe(403);
    }
  });

  it('passes: same origin, the public URL behind a load balancer, API clients without Origin, and reads', async () => {
    expect(passed(await proxy(request('/admin/users', { headers: { origin: APP, 'sec-fetch-site': 'same-origin', 'next-action': 'abc' } })))).toBe(true);
    process.env.APP_URL = 'https://jira.example.com';
    expect(passed(await proxy(request('/admin/users', { headers: { origin: 'https://jira.example.com', host: 'internal:3000' } })))).toBe(true);
    expect(passed(await proxy(request('/rest/api/3/project/MKT/role/10002', { headers: { authorization: 'Basic eDp5', 'content-type': 'application/json' }, body: '{}' })))).toBe(true);
    expect(passed(await proxy(request('/admin/users', { method: 'GET', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })))).toBe(true);
  });
});

describe('bodies over 1 MB are refused', () => {
  it('by Content-Length: 413 with a clear message; exactly 1 MB passes', async () => {
    const over = await proxy(request('/rest/api/3/search/jql', { headers: { 'content-length': String(1024 * 1024 + 1), authorization: 'Basic eDp5' } }));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ errorMessages: [TOO_LARGE], errors: {} });
    const action = await proxy(request('/admin/users', { headers: { 'content-length': '5000000', 'next-action': 'abc' } }));
    expect(action.status).toBe(413);
    expect(await action.json()).toEqual({ error: TOO_LARGE });
    expect(passed(await proxy(request('/admin/users', { headers: { 'content-length': String(1024 * 1024) } })))).toBe(true);
  });

  it('while reading a chunked body (no Content-Length): 413 once past 1 MB; a small one passes', async () => {
    const over = await proxy(request('/admin/v2/orgs/o/users/invite', { headers: { authorization: 'Bearer k' }, body: chunked(1536 * 1024) }));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ errors: [{ status: '413', code: 'ADMIN-413', title: 'Payload Too Large', detail: TOO_LARGE }] });
    expect(passed(await proxy(request('/admin/v2/orgs/o/users/invite', { headers: { authorization: 'Bearer k' }, body: chunked(10 * 1024) })))).toBe(true);
  });

  it('the REST handlers read at most 100 KB of JSON, chunked or not', async () => {
    const refused = await readJsonBody(request('/rest/api/3/search/jql', { headers: { 'content-type': 'application/json' }, body: chunked(200 * 1024) })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RestError);
    expect(refused).toMatchObject({ status: 413, messages: ['The request body is too large. The limit is 100 KB.'] });
    await expect(readJsonBody(request('/rest/api/3/search/jql', { headers: { 'content-type': 'application/json' }, body: '{"jql":"project = MKT"}' }))).resolves.toEqual({ jql: 'project = MKT' });
  });
});
