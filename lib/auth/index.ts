import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { decode } from 'next-auth/jwt';
import { prisma } from '../db/client';
import { loadViewer } from '../access/viewer';
import type { Viewer } from '../access/policy';
import { revokeSession, rotatedSuccessor, signInWithPassword, SESSION_MAX_AGE_SECONDS } from './sessions';
import { clientIp } from '../request-info';

class ThrottledSignIn extends CredentialsSignin {
  code = 'throttled';
}

class SuspendedSignIn extends CredentialsSignin {
  code = 'suspended';
}

export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    Credentials({
      credentials: { email: { type: 'email' }, password: { type: 'password' } },
      async authorize(credentials, request) {
        const result = await signInWithPassword(prisma, {
          email: credentials?.email,
          password: credentials?.password,
          ip: clientIp(request.headers),
          userAgent: request.headers.get('user-agent'),
        });
        if (!result.ok) {
          if (result.reason === 'throttled') throw new ThrottledSignIn();
          if (result.reason === 'suspended') throw new SuspendedSignIn();
          return null;
        }
        return { id: result.userId, sessionId: result.sessionId };
      },
    }),
  ],
  callbacks: {
    // The JWT carries only the server-side session id; everything else is read from the database.
    async jwt({ token, user, trigger, session }) {
      if (user) {
        const sessionId = (user as { sessionId?: string }).sessionId;
        return { sub: user.id, sid: sessionId };
      }
      // adoptSession(): the session was just rotated; switch the cookie to its successor, and only
      // to that (checked in the database, never taken on the client's word).
      if (trigger === 'update') {
        const next = await rotatedSuccessor(prisma, token, (session as { sessionId?: unknown } | undefined)?.sessionId);
        return next ? { sub: token.sub, sid: next } : token;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, sessionId: typeof token.sid === 'string' ? token.sid : undefined };
    },
  },
  events: {
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await revokeSession(prisma, sid);
    },
  },
});

/**
 * After a session rotation (lib/auth/sessions.ts rotateSession, in a server action): re-issues the
 * session cookie, through Auth.js, with the new session id (same cookie name and flags).
 */
export async function adoptSession(sessionId: string): Promise<void> {
  const data = { sessionId } as unknown as Parameters<typeof unstable_update>[0];
  const updated = (await unstable_update(data)) as { sessionId?: string } | null;
  if (updated?.sessionId !== sessionId) console.error('[auth] the session cookie could not be switched to the rotated session');
}

/** Auth.js's session cookie: `__Secure-` over HTTPS. */
const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'] as const;

/**
 * The session id of a cookie re-issued during this request (adoptSession in a server action).
 * Next.js re-renders the page after such an action with the new cookie in cookies() but the old
 * one still in headers(), which is what auth() reads; without this the page would load the
 * rotated-away session and send the person to sign in. Undefined when the request re-issued nothing.
 */
async function reissuedSessionId(): Promise<string | undefined> {
  const jar = await cookies();
  const sent = (await headers()).get('cookie') ?? '';
  for (const name of SESSION_COOKIES) {
    const value = jar.get(name)?.value;
    if (!value || sent.split(/;\s*/).includes(`${name}=${value}`)) continue;
    try {
      const token = await decode({ token: value, salt: name, secret: process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET ?? '' });
      if (typeof token?.sid === 'string') return token.sid;
    } catch {
      // not ours, or under another secret: ignored, as Auth.js ignores it
    }
  }
  return undefined;
}

/** Who is asking, checked against the database once per request (cached for that request only). */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const sessionId = (await reissuedSessionId()) ?? ((await auth()) as { sessionId?: string } | null)?.sessionId;
  return loadViewer(prisma, sessionId);
});

export async function requestInfo() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: h.get('user-agent')?.slice(0, 256) ?? null };
}
