import { NextResponse, type NextRequest } from 'next/server';
import { newNonce, securityHeaders } from './lib/security-headers';
import { outageResponse } from './lib/db/outage';

// Headers only: authorization is never decided here (every page, action and route handler asks
// the policy in lib/ itself).
export async function proxy(request: NextRequest) {
  // The database known to be away (lib/db/outage.ts): 503 at once rather than a failing render.
  const outage = await outageResponse(request);
  if (outage) return outage;
  const nonce = newNonce();
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const headers = securityHeaders({ nonce, pathname: request.nextUrl.pathname, https, dev: process.env.NODE_ENV === 'development' });
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
