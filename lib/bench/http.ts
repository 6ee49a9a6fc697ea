// Signing in through Auth.js's credentials endpoint, as a browser's form post would.

/** The Cookie header value of every Set-Cookie in `response` (name=value only). */
function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(';')[0]);
}

/** A session cookie for `email`: GET /api/auth/csrf, then POST /api/auth/callback/credentials. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  if (!csrf.ok) throw new Error(`GET /api/auth/csrf: ${csrf.status}`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = cookiesOf(csrf);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/` }).toString(),
  });
  const session = cookiesOf(response).find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) throw new Error(`Signing in as ${email} failed (${response.status} ${response.headers.get('location') ?? ''}).`);
  return session;
}

/** Why `path` is not a page to measure with `cookie` (not a 200, or missing `mustContain`), or null. */
export async function pageProblem(baseUrl: string, path: string, cookie: string | undefined, mustContain?: string): Promise<string | null> {
  const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const body = await response.text();
  if (response.status !== 200) return `GET ${path}: ${response.status} ${response.headers.get('location') ?? ''}`.trim();
  if (mustContain && !body.includes(mustContain)) return `GET ${path}: the page does not contain "${mustContain}"`;
  return null;
}

/** Resolves once `url` answers at all (the server is up), or fails after `timeoutMs`. */
export async function waitForServer(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('The app exited before it was ready.');
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s.`);
}
