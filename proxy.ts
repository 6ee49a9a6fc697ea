import { NextResponse, type NextRequest } from 'next/server';
import { newNonce, securityHeaders } from './lib/security-headers';
import { guardRequest } from './lib/request-guard';
import { outageResponse } from './lib/db/outage';

// Headers, and the refusals every request may get before anything else runs: the database known
// to be away → 503 (lib/db/outage.ts); for state-changing requests, cross-site → 403 and bodies
// over 1 MB → 413 (lib/request-guard.ts). Authorization is never decided here (every page, action
// and route handler asks the policy in lib/ itself).
export async function proxy(request: NextRequest) {
  const outage = await outageResponse(request);
  if (outage) return outage;
  const nonce = newNonce();
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const headers = securityHeaders({ nonce, pathname: request.nextUrl.pathname, https, dev: process.env.NODE_ENV === 'development' });
  const refused = await guardRequest(request, request.nextUrl.pathname);
  if (refused) {
    for (const [name, value] of Object.entries(headers)) refused.headers.set(name, value);
    return refused;
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy']);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
};
