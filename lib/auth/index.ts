import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { prisma } from '../db/client';
import { loadViewer } from '../access/viewer';
import type { Viewer } from '../access/policy';
import { revokeSession, signInWithPassword, SESSION_MAX_AGE_SECONDS } from './sessions';
import { clientIp } from '../request-info';

class ThrottledSignIn extends CredentialsSignin {
  code = 'throttled';
}

class SuspendedSignIn extends CredentialsSignin {
  code = 'suspended';
}

export const { handlers, auth, signIn, signOut } = NextAuth({
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
    jwt({ token, user }) {
      if (user) {
        const sessionId = (user as { sessionId?: string }).sessionId;
        return { sub: user.id, sid: sessionId };
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

/** Who is asking, checked against the database once per request (cached for that request only). */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await auth();
  const sessionId = (session as { sessionId?: string } | null)?.sessionId;
  return loadViewer(prisma, sessionId);
});

export async function requestInfo() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: h.get('user-agent')?.slice(0, 256) ?? null };
}
