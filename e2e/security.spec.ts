// Cross-site requests and oversized bodies, against the real server (proxy.ts, lib/request-guard.ts):
// a server action and route handlers posted "from another site" are refused with 403, bodies over
// 1 MB with 413, and the same requests without an Origin (API clients) still work.
//
// Changes nothing other specs read: lee's API token made here is revoked at the end.
import { expect, test } from '@playwright/test';

const CROSS_SITE = 'Cross-site request refused: this request came from another website. Send it from Portico itself, or from an API client.';
const TOO_LARGE = 'The request body is too large. The limit is 1 MB.';
const EVIL = 'https://evil.example';

test('cross-site posts are refused (403) and oversized bodies too (413); API clients without Origin work', async ({ page, request, baseURL }) => {
  // A real server action: the sign-in form's. Its id comes from the request the browser sends.
  await page.goto('/login');
  const actionRequest = page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined);
  await page.getByLabel('Email').fill('lee.chen@acme.com');
  await page.getByLabel('Password').fill('portico-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  const captured = await actionRequest;
  const actionId = captured.headers()['next-action'];
  await expect(page).not.toHaveURL(/\/login/);

  // The browser's exact request, replayed as if another site's page had sent it.
  const signInPost = (origin: string | null) =>
    request.post('/login', {
      headers: { 'Next-Action': actionId, 'Content-Type': captured.headers()['content-type'], Accept: 'text/x-component', ...(origin ? { Origin: origin } : {}) },
      data: captured.postDataBuffer()!,
      maxRedirects: 0,
    });
  const crossSiteAction = await signInPost(EVIL);
  expect(crossSiteAction.status()).toBe(403);
  expect(await crossSiteAction.json()).toEqual({ error: CROSS_SITE });
  // The browser's own fetch (Sec-Fetch-Site) from another site is refused too, Origin or not.
  const fetchedCrossSite = await request.post('/login', { headers: { 'Next-Action': actionId, 'Sec-Fetch-Site': 'cross-site' }, data: '[]' });
  expect(fetchedCrossSite.status()).toBe(403);
  // From the app's own origin the same request runs the action (it signs in and redirects).
  const sameOrigin = await signInPost(baseURL!);
  expect(sameOrigin.status()).toBeLessThan(400);
  expect(sameOrigin.headers()['x-action-redirect'] ?? sameOrigin.headers()['location']).toBeTruthy();

  // An API token for the REST API, made on the screen.
  await page.goto('/account/security/api-tokens');
  await page.getByRole('button', { name: 'Create API token' }).click();
  const form = page.getByRole('dialog', { name: 'Create an API token' });
  await form.getByLabel('Name').fill('security spec');
  await form.getByLabel('Expires in (days)').fill('1');
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  const shown = page.getByRole('dialog', { name: 'Copy your API token' });
  const token = await shown.getByLabel('Your API token').inputValue();
  await shown.getByRole('button', { name: 'Done' }).click();
  const authorization = `Basic ${Buffer.from(`lee.chen@acme.com:${token}`).toString('base64')}`;

  const jql = (headers: Record<string, string>, data: unknown = { jql: 'project = ENG', maxResults: 1 }) =>
    request.post('/rest/api/3/search/jql', { headers: { Authorization: authorization, 'Content-Type': 'application/json', ...headers }, data });

  const crossSiteRest = await jql({ Origin: EVIL });
  expect(crossSiteRest.status()).toBe(403);
  expect(await crossSiteRest.json()).toEqual({ errorMessages: [CROSS_SITE], errors: {} });

  const apiClient = await jql({});
  expect(apiClient.status()).toBe(200);
  expect(((await apiClient.json()) as { issues: unknown[] }).issues).toHaveLength(1);
  expect((await jql({ Origin: baseURL! })).status()).toBe(200);

  // Over 1 MB, announced by Content-Length.
  const oversized = await jql({}, JSON.stringify({ jql: 'project = ENG', padding: 'x'.repeat(1024 * 1024) }));
  expect(oversized.status()).toBe(413);
  expect(await oversized.json()).toEqual({ errorMessages: [TOO_LARGE], errors: {} });

  // Over 1 MB, sent in chunks with no Content-Length.
  let sent = 0;
  const chunks = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 1536 * 1024) return controller.close();
      sent += 64 * 1024;
      controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    },
  });
  const chunked = await fetch(`${baseURL}/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: chunks,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  expect(chunked.status).toBe(413);
  expect(await chunked.json()).toEqual({ errorMessages: [TOO_LARGE], errors: {} });

  // The organization admin API and Auth.js are guarded the same way.
  const orgApi = await request.post('/admin/v1/orgs/any/users/any/suspend', { headers: { Origin: EVIL, Authorization: 'Bearer PTCORG_x' } });
  expect(orgApi.status()).toBe(403);
  expect(await orgApi.json()).toEqual({ errors: [{ status: '403', code: 'ADMIN-403', title: 'Forbidden', detail: CROSS_SITE }] });
  const authJs = await request.post('/api/auth/signout', { headers: { Origin: EVIL }, form: { csrfToken: 'x' } });
  expect(authJs.status()).toBe(403);

  await page.goto('/account/security/api-tokens');
  await page.getByRole('button', { name: 'Revoke security spec' }).click();
  await page.getByRole('dialog', { name: 'Revoke security spec?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('button', { name: 'Revoke security spec' })).toHaveCount(0);
});
