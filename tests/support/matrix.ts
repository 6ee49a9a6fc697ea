// Machinery of the authorization matrix (tests/integration/authorization-matrix.test.ts): the
// request a call runs in, stand-ins for the Next.js and Auth.js runtime, how outcomes and cells are
// written, and the snapshot that proves a refused call changed nothing.
//
// Import only types from modules the matrix mocks (lib/db/client, lib/auth, next/*, next-auth):
// the mock factories import this file.
import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from '../../lib/db/client';
import type { Viewer } from '../../lib/access/policy';
import type { Result } from '../../lib/result';
import { loadViewer } from '../../lib/access/viewer';
import { PERSONA_KEYS, type Persona, type PersonaKey, type SessionToken, type WorldFacts } from './personas';

// ---------------------------------------------------------------------------------------------
// The request a call runs in

export type RequestState = {
  db: Db;
  /** The session cookie: what Auth.js keeps in its JWT (user id and server-side session id). */
  token: SessionToken | null;
  /** Paths the call asked Next.js to revalidate. */
  revalidated: string[];
};

const requests = new AsyncLocalStorage<RequestState>();

export function currentRequest(): RequestState {
  const state = requests.getStore();
  if (!state) throw new Error('The app was called outside a matrix request (use inRequest).');
  return state;
}

export const inRequest = <T>(state: RequestState, run: () => Promise<T>): Promise<T> => requests.run(state, run);

export const CLIENT = { ip: '203.0.113.7', userAgent: 'authorization-matrix' } as const;
const ORIGIN = 'http://localhost:3000';

const requestHeaders = () => new Headers({ host: 'localhost:3000', 'x-forwarded-for': CLIENT.ip, 'user-agent': CLIENT.userAgent });

/** `@/lib/auth`'s getViewer: the viewer of the request's session, loaded from the database as on every request. */
export async function viewerOfRequest(): Promise<Viewer | null> {
  const { db, token } = currentRequest();
  return token ? loadViewer(db, token.sid) : null;
}

// ---------------------------------------------------------------------------------------------
// next/navigation, next/cache, next/headers

/** What next/navigation's redirect() throws (Next.js throws an error whose digest is NEXT_REDIRECT). */
export class RedirectSignal extends Error {
  readonly digest: string;
  constructor(readonly url: string) {
    super(`NEXT_REDIRECT ${url}`);
    this.digest = `NEXT_REDIRECT;replace;${url};307;`;
  }
}

export const nextNavigation = {
  redirect: (url: string): never => {
    throw new RedirectSignal(url);
  },
  permanentRedirect: (url: string): never => {
    throw new RedirectSignal(url);
  },
  notFound: (): never => {
    throw new Error('NEXT_NOT_FOUND');
  },
};

export const nextCache = {
  revalidatePath: (path: string, type?: string) => {
    currentRequest().revalidated.push(type ? `${path} (${type})` : path);
  },
  revalidateTag: () => {},
};

export const nextHeaders = {
  headers: async () => requestHeaders(),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
};

// ---------------------------------------------------------------------------------------------
// Auth.js stand-in
//
// next-auth cannot be loaded under this vitest setup (its ESM imports `next/server` without an
// extension, and node_modules are not inlined), so `next-auth` is replaced by this stand-in. It
// captures the configuration lib/auth passes to NextAuth() and runs it the way Auth.js does for a
// credentials sign-in, a sign-out, a session read and a session update (the cookie switched to a
// rotated session): Portico's own authorize (password, throttle, suspension, session row),
// jwt/session callbacks and signOut event (session revocation) run for real. Auth.js's HTTP layer (CSRF, cookie encryption) is not exercised here.

type Token = Record<string, unknown>;
type StandInConfig = {
  pages?: { signIn?: string; error?: string };
  providers: { id: string; authorize: (credentials: Record<string, unknown>, request: Request) => Promise<{ id: string } | null> }[];
  callbacks: {
    jwt: (params: { token: Token; user?: unknown; trigger?: 'update'; session?: unknown }) => Token | Promise<Token>;
    session: (params: { session: Record<string, unknown>; token: Token }) => unknown;
  };
  events: { signOut: (message: { token: Token }) => Promise<void> };
};

export function nextAuthStandIn() {
  class AuthError extends Error {
    type = 'AuthError';
  }
  class CredentialsSignin extends AuthError {
    code = 'credentials';
  }
  let config: StandInConfig | null = null;
  const configured = () => {
    if (!config) throw new Error('NextAuth() was not called');
    return config;
  };

  /** Auth.js's credentials callback: authorize, then the jwt callback writes the session cookie. */
  async function credentialsCallback(provider: string, credentials: Record<string, unknown>): Promise<void> {
    const found = configured().providers.find((p) => p.id === provider);
    if (!found) throw new Error(`no provider ${provider}`);
    const request = new Request(`${ORIGIN}/api/auth/callback/${provider}`, { method: 'POST', headers: requestHeaders() });
    const user = await found.authorize(credentials, request); // a CredentialsSignin thrown here reaches the caller as is
    if (!user) throw new CredentialsSignin();
    currentRequest().token = (await configured().callbacks.jwt({ token: {}, user })) as SessionToken;
  }

  async function endSession(): Promise<void> {
    const state = currentRequest();
    if (state.token) await configured().events.signOut({ token: state.token });
    state.token = null;
  }

  async function auth() {
    const { token } = currentRequest();
    if (!token) return null;
    return configured().callbacks.session({ session: { user: {}, expires: new Date(Date.now() + 3_600_000).toISOString() }, token });
  }

  /** Auth.js's unstable_update: the jwt callback with trigger "update" re-issues the cookie. */
  async function unstable_update(data: unknown) {
    const state = currentRequest();
    if (!state.token) return null;
    state.token = (await configured().callbacks.jwt({ token: state.token, trigger: 'update', session: data })) as SessionToken;
    return auth();
  }

  async function signIn(provider: string, options: Record<string, unknown> = {}) {
    const { redirectTo, ...credentials } = options;
    await credentialsCallback(provider, credentials);
    return nextNavigation.redirect(typeof redirectTo === 'string' ? redirectTo : '/');
  }

  async function signOut(options: { redirectTo?: string } = {}) {
    await endSession();
    return nextNavigation.redirect(options.redirectTo ?? '/');
  }

  const redirectResponse = (location: string) => new Response(null, { status: 302, headers: { Location: location } });
  const action = (request: Request) => new URL(request.url).pathname.replace(/^\/api\/auth\//, '');

  async function GET(request: Request): Promise<Response> {
    switch (action(request)) {
      case 'session':
        return Response.json(await auth());
      case 'csrf':
        return Response.json({ csrfToken: 'stand-in' });
      case 'providers':
        return Response.json({ credentials: { id: 'credentials', type: 'credentials' } });
      default:
        return new Response('Unknown action', { status: 400 });
    }
  }

  async function POST(request: Request): Promise<Response> {
    const form = Object.fromEntries(await request.formData());
    const callbackUrl = typeof form.callbackUrl === 'string' ? form.callbackUrl : '/';
    switch (action(request)) {
      case 'callback/credentials':
        try {
          await credentialsCallback('credentials', { email: form.email, password: form.password });
          return redirectResponse(callbackUrl);
        } catch (error) {
          if (!(error instanceof CredentialsSignin)) throw error;
          return redirectResponse(`${configured().pages?.error ?? '/api/auth/error'}?error=CredentialsSignin&code=${error.code}`);
        }
      case 'signout':
        await endSession();
        return redirectResponse(callbackUrl);
      default:
        return new Response('Unknown action', { status: 400 });
    }
  }

  function NextAuth(options: unknown) {
    config = options as StandInConfig;
    return { handlers: { GET, POST }, auth, signIn, signOut, unstable_update };
  }

  return { default: NextAuth, AuthError, CredentialsSignin };
}

export const credentialsProviderStandIn = {
  default: (options: Record<string, unknown>) => ({ id: 'credentials', type: 'credentials', name: 'Credentials', ...options }),
};

// ---------------------------------------------------------------------------------------------
// Outcomes and cells

/** What a call did, in the matrix's terms: allowed (with what it returned), or the exact refusal. */
export type Outcome = { allowed: true; value: unknown } | { allowed: false; refusal: string; detail?: string };

export const allowed = (value: unknown): Outcome => ({ allowed: true, value });
export const refused = (refusal: string, detail?: string): Outcome => ({ allowed: false, refusal, detail });

/** A server action's Result: ok, or refused with its code (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND…). */
export function fromResult(result: Result<unknown>): Outcome {
  return result.ok ? allowed(result.data) : refused(result.code, result.message);
}

/** Runs a call that may end in redirect(); returns what it returned or where it redirected. */
export async function settle<T>(call: () => Promise<T>): Promise<{ returned: T } | { redirect: string }> {
  try {
    return { returned: await call() };
  } catch (error) {
    if (error instanceof RedirectSignal) return { redirect: error.url };
    throw error;
  }
}

export type Cell = { allow: true } | { allow: false; refusal: string };

const COMMON_REFUSALS: Record<string, string> = { U: 'UNAUTHENTICATED', F: 'FORBIDDEN', N: 'NOT_FOUND' };

/**
 * One row of cells, one word per persona in PERSONA_KEYS order: `ok` = allowed; U, F, N = refused
 * with UNAUTHENTICATED, FORBIDDEN, NOT_FOUND; any other word = the row's own refusal, from `own`.
 */
export function cells(line: string, own: Record<string, string> = {}): Record<PersonaKey, Cell> {
  const words = line.trim().split(/\s+/);
  if (words.length !== PERSONA_KEYS.length) throw new Error(`"${line}" has ${words.length} cells, not ${PERSONA_KEYS.length}`);
  const row = {} as Record<PersonaKey, Cell>;
  PERSONA_KEYS.forEach((key, i) => {
    const word = words[i];
    if (word === 'ok') row[key] = { allow: true };
    else {
      const refusal = own[word] ?? COMMON_REFUSALS[word];
      if (!refusal) throw new Error(`unknown cell "${word}" in "${line}"`);
      row[key] = { allow: false, refusal };
    }
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Rows

export type CallContext = {
  db: Db;
  persona: Persona;
  facts: WorldFacts;
  request: RequestState;
  /** The id of the account with this email. */
  idOf: (email: string) => Promise<string>;
};

export type VerifyContext = CallContext & {
  /** What the allowed call returned. */
  value: unknown;
  /** The session the persona was signed in with for this call (null when signed out). */
  session: SessionToken | null;
};

export type MatrixRow = {
  /** The file the export lives in, relative to the repository. */
  source: string;
  /** The exported server action, or the route handler's HTTP method. */
  name: string;
  /** Which variant of the call, when an export has several rows. */
  scenario?: string;
  /** What the row checks: the permission, or the capability that stands in for one. */
  checks: string;
  cells: Record<PersonaKey, Cell>;
  /**
   * The allowed call changes the world beyond the caller's own session: such cells get a database
   * of their own. Refused cells always run on the world's long-lived database and prove nothing changed.
   */
  mutates: boolean;
  /** Sign the persona in before the call (default). False: the call starts signed out (sign-in rows). */
  signedIn?: boolean;
  /** Calls `target`, the export named `name` of `source` (handed over by the runner). */
  call: (context: CallContext, target: unknown) => Promise<Outcome>;
  /** The positive check of an allowed cell: what the call returned and changed. */
  verify: (context: VerifyContext) => Promise<void>;
};

export const rowTitle = (row: MatrixRow) => `${row.source} ${row.name}${row.scenario ? ` ${row.scenario}` : ''}`;

// ---------------------------------------------------------------------------------------------
// Nothing changed

/**
 * Everything an action or route could change, row by row, except the caller's own session (which
 * signing out ends) and volatile bookkeeping (last-active and last-used times, rate-limit counters).
 */
export async function snapshotWorld(db: Db, ownSession: string | null) {
  const [organizations, users, siteUsers, appRoles, memberships, assignments, grants, spaces, items, comments, shares, invitations, outbox, requests, audit, sessions, apiTokens, orgApiKeys, policies, authenticators] =
    await Promise.all([
      db.organization.findMany({ select: { id: true, plan: true, guestAccessDefaultDays: true }, orderBy: { id: 'asc' } }),
      db.user.findMany({ select: { id: true, email: true, name: true, active: true, passwordHash: true, emailVerifiedAt: true }, orderBy: { id: 'asc' } }),
      db.siteUser.findMany({ select: { userId: true, isSiteAdmin: true, suspendedAt: true, everLicensedAt: true, accessExpiresAt: true }, orderBy: { userId: 'asc' } }),
      db.appRole.findMany({ select: { appId: true, userId: true, role: true }, orderBy: [{ appId: 'asc' }, { userId: 'asc' }] }),
      db.spaceMembership.findMany({ select: { spaceId: true, userId: true, role: true }, orderBy: [{ spaceId: 'asc' }, { userId: 'asc' }] }),
      db.guestSpaceAssignment.findMany({ select: { userId: true, spaceId: true }, orderBy: { userId: 'asc' } }),
      db.experienceGrant.findMany({ select: { userId: true, experience: true }, orderBy: [{ userId: 'asc' }, { experience: 'asc' }] }),
      db.space.findMany({ select: { key: true, nextItemNumber: true }, orderBy: { key: 'asc' } }),
      db.workItem.findMany({
        select: { spaceId: true, number: true, summary: true, description: true, status: true, assigneeId: true, updatedAt: true },
        orderBy: [{ spaceId: 'asc' }, { number: 'asc' }],
      }),
      db.comment.findMany({ select: { id: true, body: true }, orderBy: { id: 'asc' } }),
      db.workItemShare.findMany({ select: { workItemId: true, userId: true }, orderBy: [{ workItemId: 'asc' }, { userId: 'asc' }] }),
      db.invitation.findMany({
        select: { id: true, email: true, role: true, state: true, tokenHash: true, openEmail: true, expiresAt: true, revokedAt: true, acceptedUserId: true, guestAccessExpiresAt: true },
        orderBy: { id: 'asc' },
      }),
      db.outboxEmail.findMany({ select: { id: true, template: true, to: true, state: true }, orderBy: { id: 'asc' } }),
      db.accessRequest.findMany({ select: { id: true, email: true, state: true, blockingEmail: true, requestedById: true, spaceId: true, decidedById: true }, orderBy: { id: 'asc' } }),
      db.auditEvent.count(),
      db.session.findMany({ where: ownSession ? { id: { not: ownSession } } : {}, select: { id: true, userId: true, revokedAt: true }, orderBy: { id: 'asc' } }),
      db.apiToken.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: 'asc' } }),
      db.orgApiKey.findMany({ select: { id: true, organizationId: true, createdById: true, expiresAt: true, revokedAt: true }, orderBy: { id: 'asc' } }),
      db.externalUserPolicy.findMany({
        select: { organizationId: true, twoStepMethod: true, sessionMaxMinutes: true, idleTimeoutMinutes: true, apiTokensAllowed: true, sessionsResetAt: true },
        orderBy: { organizationId: 'asc' },
      }),
      // Authenticator apps, pending ones too: viewing a setup page creates none ("Get a setup key" does).
      db.authenticatorSecret.findMany({ select: { userId: true, secret: true, confirmedAt: true }, orderBy: { userId: 'asc' } }),
    ]);
  return { organizations, users, siteUsers, appRoles, memberships, assignments, grants, spaces, items, comments, shares, invitations, outbox, requests, audit, sessions, apiTokens, orgApiKeys, policies, authenticators };
}

// ---------------------------------------------------------------------------------------------
// Inventory: what app/ exports that the matrix must cover

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Names a module exports as values, read from its text (types and interfaces are not exports at run time). */
export function exportedNames(source: string): string[] {
  const names = new Set<string>();
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/export\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of code.matchAll(/export\s+(?:const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of code.matchAll(/export\s+(?:const|let|var)\s*\{([^}]*)\}\s*=/g)) {
    for (const part of m[1].split(',')) {
      const name = part.split(':').pop()!.split('=')[0].trim();
      if (name) names.add(name);
    }
  }
  for (const m of code.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const piece = part.trim();
      if (!piece || piece.startsWith('type ')) continue;
      names.add(piece.split(/\s+as\s+/).pop()!.trim());
    }
  }
  if (/export\s+default\b/.test(code)) names.add('default');
  return [...names].sort();
}

const isUseServerFile = (source: string) => /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/.test(source);

/**
 * Every server action ('use server' files: every value they export) and every route handler
 * (route.ts: its exported HTTP methods) under `appDir`, as "file#name"; plus any 'use server'
 * directive inside a function, which the matrix cannot see and so must not exist.
 */
export function scanEndpoints(root: string, appDir = 'app') {
  const endpoints: string[] = [];
  const inlineDirectives: string[] = [];
  for (const file of sourceFiles(path.join(root, appDir))) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    const text = fs.readFileSync(file, 'utf8');
    if (isUseServerFile(text)) {
      for (const name of exportedNames(text)) endpoints.push(`${relative}#${name}`);
    } else if (/['"]use server['"]/.test(text)) {
      inlineDirectives.push(relative);
    }
    if (/^route\.(ts|js|mjs)$/.test(path.basename(file))) {
      for (const name of exportedNames(text)) if (HTTP_METHODS.has(name)) endpoints.push(`${relative}#${name}`);
    }
  }
  return { endpoints: endpoints.sort(), inlineDirectives };
}
