// The page half of the authorization matrix: every app/**/page.tsx (rows, at concrete URLs) × every
// kind of person (columns, tests/support/personas.ts), declared once below. Each cell is one test:
// it signs the persona in, renders the page's default export with its params and searchParams, and
// renders it again inside its layouts as Next.js serves the route (tests/support/page-render.ts).
//
// A cell is one of:
//   ok     allowed: both the page alone and the route render, and show the row's data (`shows`)
//   no     refused: the route AND the page alone (layouts and pages render independently, so the
//          page must refuse by itself) render <NoAccess /> ("You don't have access to this page"),
//          and neither carries the row's data, nor anyone's email address but the viewer's own,
//          in its HTML or in the props handed to client components (the RSC payload)
//   login  redirect() to /login, from the route and from the page alone
//   home   redirect() to the persona's home path (HOME below, checked against lib/access/policy)
//   >/x    redirect() to /x
//   404    notFound()
//   other words: the row's own variant of an allowed render (its `variants`)
//
// The app runs as in the action matrix (tests/integration/authorization-matrix.test.ts): getViewer
// loads the persona's Viewer from a real session row, prisma is the world's database, next/cache,
// next/headers and Auth.js are stand-ins; next/navigation is Next.js's own (redirect() and
// notFound() throw their real digests), with no-op client hooks (useRouter…) for client components.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadViewer } from '@/lib/access/viewer';
import { homePath } from '@/lib/access/policy';
import type { Db } from '@/lib/db/client';
import { seal } from '@/lib/security/crypto';
import { maskEmail } from '@/lib/security/email-passcode';
import { generateTotpSecret } from '@/lib/security/totp';
import { EMAIL, openSession, PERSONA_KEYS, PERSONAS, Worlds, type PersonaKey, type SessionToken, type World } from '../support/personas';
import { currentRequest, inRequest, snapshotWorld, type RequestState } from '../support/matrix';
import {
  clientComponentFiles,
  EMAIL_PATTERN,
  FRAMEWORK_CLIENT_COMPONENTS,
  matchPage,
  renderRoute,
  scanPages,
  signalOf,
  type LayoutModule,
  type Outcome,
  type PageFile,
  type PageModule,
  type Rendered,
  type RouteRender,
} from '../support/page-render';

// ---------------------------------------------------------------------------------------------
// The runtime around the pages

const hooks = vi.hoisted(() => ({ db: (): object => { throw new Error('prisma used outside a matrix request'); } }));

vi.mock('server-only', () => ({}));
vi.mock('next/cache', async () => (await import('../support/matrix')).nextCache);
vi.mock('next/headers', async () => (await import('../support/matrix')).nextHeaders);
vi.mock('next/navigation', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown>>();
  const exports = (typeof real.redirect === 'function' ? real : (real.default as Record<string, unknown>)) ?? real;
  return { ...exports, ...(await import('../support/page-render')).navigationHooks };
});
vi.mock('next-auth', async () => (await import('../support/matrix')).nextAuthStandIn());
vi.mock('next-auth/providers/credentials', async () => (await import('../support/matrix')).credentialsProviderStandIn);
vi.mock('@/lib/db/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/db/client')>()),
  prisma: new Proxy({}, {
    get(_target, property) {
      const db = hooks.db();
      const value = Reflect.get(db, property);
      return typeof value === 'function' ? value.bind(db) : value;
    },
  }),
}));
vi.mock('@/lib/auth', async (importOriginal) => {
  const matrix = await import('../support/matrix');
  return {
    ...(await importOriginal<typeof import('@/lib/auth')>()),
    getViewer: matrix.viewerOfRequest,
    requestInfo: async () => ({ ...matrix.CLIENT }),
  };
});
hooks.db = () => currentRequest().db;

const ROOT = path.resolve(import.meta.dirname, '../..');
const PAGES = scanPages(ROOT);
const ADMIN_LAYOUT = 'app/(site)/admin/layout.tsx';
const NO_ACCESS = "You don't have access to this page";

/** Where each persona lands (lib/access/policy homePath), written out so a `home` cell checks a literal path. */
const HOME: Record<PersonaKey, string> = {
  anonymous: '/login',
  siteAdmin: '/spaces',
  spaceAdminA: '/spaces',
  memberA: '/spaces',
  viewerA: '/spaces',
  guestA: '/spaces/MKT',
  guestNoSpace: '/no-space',
  guestB: '/spaces/ENG',
  suspended: '/no-access',
  removed: '/no-access',
  sharedWith: '/spaces/MKT',
  outsider: '/request-access',
};

const GUESTS: PersonaKey[] = ['guestA', 'guestNoSpace', 'guestB', 'sharedWith'];

// ---------------------------------------------------------------------------------------------
// Rows

/** An allowed render of its own kind (e.g. an item seen through a share), named by a cell word. */
type Variant = { label: string; shows: string[]; hides?: string[] };

type Expectation =
  | { kind: 'allow' }
  | { kind: 'deny' }
  | { kind: 'redirect'; to: string | 'home' }
  | { kind: 'notFound' }
  | { kind: 'variant'; variant: Variant };

/** What the world holds that URLs and checks name as <placeholders>. */
type Facts = {
  values: Record<string, string>;
  /** Each account's API token (id, raw secret), by email. */
  apiTokens: Record<string, { id: string; token: string }>;
  /** Each account's organization API key (id, raw key), by email. */
  orgApiKeys: Record<string, { id: string; key: string }>;
  /** Names by email, to tell the viewer's own name (in the top bar) from someone else's. */
  names: Record<string, string>;
};

type CellContext = { persona: PersonaKey; email: string | null; facts: Facts };

type PageRow = {
  /** The URL, with <placeholders> for ids and tokens made by the setup (Facts.values). */
  url: string;
  scenario?: string;
  /** What decides, in the page's own code. */
  checks: string;
  cells: Record<PersonaKey, Expectation>;
  /** Text an allowed cell must show (page alone and route); <placeholders> allowed. */
  shows: string[];
  /**
   * What a refused route must not carry, when the layouts legitimately show part of `shows` (a
   * space name in the sidebar). Default: `shows`. The page alone must carry none of `shows`.
   */
  secret?: string[];
  /** What an allowed cell must not carry. */
  hides?: string[];
  /** What no rendered cell of the row may carry (HTML or client props). */
  never?: (c: CellContext) => string[];
  variants?: Record<string, Variant>;
  /** The dev mailbox: on = Portico runs its own SMTP sink (PORTICO_DEV_MAILBOX_DIR set). */
  mailbox?: 'on' | 'off';
  /** More checks of an allowed cell. */
  verify?: (c: CellContext, route: Rendered, page: Rendered) => void;
  /**
   * What the row's cells need beyond the world as built (a policy, an authenticator app, an old
   * session), made after the persona signs in. Such a row's cells each render on a scratch database
   * of the persona's world, and check there that rendering changed nothing.
   */
  setup?: (db: Db, session: SessionToken | null) => Promise<void>;
};

type RowSpec = Omit<PageRow, 'cells'> & { cells: string };

function parseCells(line: string, variants: Record<string, Variant> = {}): Record<PersonaKey, Expectation> {
  const words = line.trim().split(/\s+/);
  if (words.length !== PERSONA_KEYS.length) throw new Error(`"${line}" has ${words.length} cells, not ${PERSONA_KEYS.length}`);
  const row = {} as Record<PersonaKey, Expectation>;
  PERSONA_KEYS.forEach((key, i) => {
    const word = words[i];
    if (word === 'ok') row[key] = { kind: 'allow' };
    else if (word === 'no') row[key] = { kind: 'deny' };
    else if (word === 'login') row[key] = { kind: 'redirect', to: '/login' };
    else if (word === 'home') row[key] = { kind: 'redirect', to: 'home' };
    else if (word === '404') row[key] = { kind: 'notFound' };
    else if (word.startsWith('>')) row[key] = { kind: 'redirect', to: word.slice(1) };
    else if (variants[word]) row[key] = { kind: 'variant', variant: variants[word] };
    else throw new Error(`unknown cell "${word}" in "${line}"`);
  });
  return row;
}

const row = (spec: RowSpec): PageRow => ({ ...spec, cells: parseCells(spec.cells, spec.variants) });

const rowTitle = (r: PageRow) => `${r.url}${r.scenario ? ` (${r.scenario})` : ''}`;

// Columns (tests/support/personas.ts; A = MKT, B = ENG), as in the action matrix:
//   anon  anonymous                       gstA  guest of A (Casey)
//   admn  site admin (Alana)              gst0  guest with no space (Jordan)
//   sAdA  space admin of A (Sam)          gstB  guest of B (Blair; MKT-2 is shared with her)
//   memA  member of A (Lee)               susp  suspended (Omar, with a live session)
//   vwrA  viewer of A (Priya, ENG admin)  remv  removed (Riley)
//                                         shrd  Casey with ENG-2 shared to her by Lee
//                                         outs  signed in, not on the site (Dana)

const ADMIN_ONLY = 'login ok   no   no   no   no   no   no   no   no   no   no';
const LICENSED_ONLY = 'login ok   ok   ok   ok   no   no   no   no   no   no   no';

// The /verify pages: signed out → /login; a verified session → its home; a pending one → its step.
const VERIFIED_GO_HOME = 'login home home home home home home home home home home home';
// A step of the external-user policy: the external people on the site (gstA gst0 gstB shrd) are at
// it; internal users, the suspended and removed (internal) users and Dana (not on the site) are not.
const EXTERNAL_AT_STEP = 'login home home home home ok   ok   ok   home home ok   home';
const externalSentTo = (to: string) => `login home home home home >${to} >${to} >${to} home home >${to} home`;

// Setups of rows whose cells need more than the world as built (see PageRow.setup).

/** The external-user policy asks for this second factor. */
const policy = (twoStepMethod: 'EMAIL_OTP' | 'TOTP') => async (db: Db) => {
  await db.externalUserPolicy.updateMany({ data: { twoStepMethod } });
};

/** The persona's own authenticator app is on, and this session has not presented it yet. */
async function ownAuthenticator(db: Db, session: SessionToken | null) {
  if (!session) return;
  await db.authenticatorSecret.create({ data: { userId: session.sub, secret: seal(generateTotpSecret(), session.sub), confirmedAt: new Date() } });
}

/** A pending (unconfirmed) authenticator secret, as "Get a setup key" makes it. */
async function pendingAuthenticator(db: Db, session: SessionToken | null) {
  if (!session) return;
  await db.authenticatorSecret.create({ data: { userId: session.sub, secret: seal(generateTotpSecret(), session.sub) } });
}

/** The session's last password was 31 days ago: past the policy's 30-day session expiration (external users). */

async function expiredSession(db: Db, session: SessionToken | null) {
  if (session) await db.session.update({ where: { id: session.sid }, data: { verifiedAt: new Date(Date.now() - 31 * 86_400_000) } });
}

const ROWS: PageRow[] = [
  // ----- Entry points ---------------------------------------------------------------------------
  row({
    url: '/',
    checks: 'getViewer → homePath',
    //      anon  admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: 'login home home home home home home home home home home home',
    shows: [],
  }),
  row({
    url: '/login',
    checks: 'signed in → safeReturnPath(callbackUrl)',
    cells: 'ok    >/   >/   >/   >/   >/   >/   >/   >/   >/   >/   >/',
    shows: ['Log in to continue'],
  }),
  row({
    url: '/login?callbackUrl=/admin/users',
    scenario: 'return path',
    checks: 'signed in → safeReturnPath(callbackUrl)',
    cells: 'ok >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users >/admin/users',
    shows: ['Log in to continue'],
    verify: (_c, route) => expect(route.payload).toContain('"callbackUrl":"/admin/users"'),
  }),
  row({
    url: '/login?callbackUrl=https://evil.example/',
    scenario: 'off-site return path',
    checks: 'safeReturnPath refuses other origins',
    cells: 'ok    >/   >/   >/   >/   >/   >/   >/   >/   >/   >/   >/',
    shows: ['Log in to continue'],
    hides: ['evil.example'],
  }),
  row({
    url: '/no-access',
    checks: 'requireViewer',
    cells: 'login ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: [NO_ACCESS],
  }),
  row({
    url: '/no-space',
    checks: "requireViewer; homePath must be '/no-space'",
    cells: 'login home home home home home ok   home home home home home',
    shows: ["You haven't been added to a space yet", 'A space admin needs to add you'],
  }),
  row({
    url: '/request-access',
    checks: 'requireViewer; only people with no access to the site',
    cells: 'login home home home home home home home home home home ok',
    shows: ["You don't have access to Acme", `You're signed in as ${EMAIL.dana}`, 'Note to the site admins'],
  }),

  // ----- Spaces and work items ------------------------------------------------------------------
  row({
    url: '/spaces',
    checks: "permission 'spaces.browseAll'",
    cells: LICENSED_ONLY,
    shows: ['Marketing', 'Platform', 'Operations', 'Omar Haddad'],
    // The top bar names a guest's own space.
    secret: ['Operations', 'Omar Haddad', 'Sam Rivera'],
  }),
  row({
    url: '/spaces/MKT',
    checks: "findSpaceForViewer: space permission 'browse'",
    cells: 'login ok   ok   ok   ok   ok   no   no   no   no   ok   no',
    shows: ['MKT-1', 'Draft Q1 launch campaign brief', 'Brand guidelines v3 review'],
  }),
  row({
    url: '/spaces/ENG',
    checks: "findSpaceForViewer: space permission 'browse'",
    cells: 'login ok   ok   ok   ok   no   no   ok   no   no   no   no',
    shows: ['ENG-1', 'Upgrade PostgreSQL to 18', 'Flaky test: invitation expiry'],
  }),
  row({
    url: '/spaces/OPS',
    scenario: 'administered by the suspended user',
    checks: "findSpaceForViewer: space permission 'browse'",
    cells: LICENSED_ONLY,
    shows: ['OPS-1', 'On-call schedule for December'],
  }),
  row({
    url: '/spaces/MKT/items/new',
    checks: "findSpaceForViewer: space permission 'create'",
    cells: 'login ok   ok   ok   no   ok   no   no   no   no   ok   no',
    shows: ['Create work item', 'Spaces / Marketing', 'Summary'],
    // The <title> names the page (static metadata), and the sidebar the space, to whoever may browse it.
    secret: ['Spaces / Marketing', 'Summary'],
  }),
  row({
    url: '/spaces/MKT/items/4',
    checks: 'loadItemForViewer: browse the space, or a share',
    cells: 'login ok   ok   ok   ok   ok   no   no   no   no   ok   no',
    shows: ['MKT-4', 'Brand guidelines v3 review', 'Collect feedback from the agency'],
  }),
  row({
    url: '/spaces/MKT/items/2',
    scenario: 'shared with the guest of B',
    checks: 'loadItemForViewer: browse the space, or a share',
    cells: 'login ok   ok   ok   ok   ok   no   shr  no   no   ok   no',
    shows: ['MKT-2', 'Refresh product screenshots on the website', 'The pricing and features pages'],
    variants: {
      shr: {
        label: 'the item alone, through the share',
        shows: ['MKT-2', 'Refresh product screenshots on the website', 'This work item was shared with you'],
        hides: ['Marketing', 'MKT-1'],
      },
    },
  }),
  row({
    url: '/spaces/ENG/items/2',
    checks: 'loadItemForViewer: browse the space, or a share',
    cells: 'login ok   ok   ok   ok   no   no   ok   no   no   shr  no',
    shows: ['ENG-2', 'Flaky test: invitation expiry', 'Fails about once a week'],
    variants: {
      shr: {
        label: 'the item alone, through the share',
        shows: ['ENG-2', 'Flaky test: invitation expiry', 'This work item was shared with you'],
        hides: ['Platform', 'ENG-1', 'Upgrade PostgreSQL to 18'],
      },
    },
  }),
  row({
    url: '/spaces/MKT/items/999',
    scenario: 'no such item',
    checks: 'loadItemForViewer: missing and hidden look the same',
    cells: 'login no   no   no   no   no   no   no   no   no   no   no',
    shows: [],
  }),
  row({
    url: '/spaces/MKT/settings/people',
    checks: "findAdministeredSpace: space permission 'administer'",
    cells: 'login ok   ok   no   no   no   no   no   no   no   no   no',
    shows: ['Everyone with a role in Marketing', 'Casey Jones', EMAIL.casey, EMAIL.lee],
  }),
  row({
    url: '/spaces/ENG/settings/people',
    scenario: 'administered by the viewer of A',
    checks: "findAdministeredSpace: space permission 'administer'",
    cells: 'login ok   no   no   ok   no   no   no   no   no   no   no',
    shows: ['Everyone with a role in Platform', 'Blair Quinn', EMAIL.blair, EMAIL.sam],
  }),

  // ----- Site-wide experiences and the account ----------------------------------------------------
  row({ url: '/dashboards', checks: "permission 'experience.dashboards'", cells: LICENSED_ONLY, shows: ['Dashboards give an overview of work across spaces.'] }),
  row({ url: '/goals', checks: "permission 'experience.goals'", cells: LICENSED_ONLY, shows: ['Goals connect work to what your organization wants to achieve.'] }),
  row({ url: '/people', checks: "permission 'experience.peopleDirectory'", cells: LICENSED_ONLY, shows: ['Find people and teams on this site.'] }),
  // The benchmark's framework floor (npm run bench): session, viewer, policy, layout, one line.
  row({ url: '/ping', checks: "permission 'jira.use'", cells: 'login ok   ok   ok   ok   ok   no   ok   no   no   ok   no', shows: ['Signed in to Acme.'] }),
  row({
    url: '/account/security/api-tokens',
    checks: 'canManageOwnApiTokens: on the site, not suspended, some role',
    cells: 'login ok   ok   ok   ok   ok   ok   ok   no   no   ok   no',
    shows: ['Scripts and other apps use an API token', 'Matrix'],
    // Only the viewer's own tokens, by id; no token's secret, ever.
    never: (c) => Object.entries(c.facts.apiTokens).filter(([email]) => email !== c.email).map(([, t]) => t.id),
    verify: (c, route) => expect(route.payload).toContain(c.facts.apiTokens[c.email!].id),
  }),
  row({
    url: '/account/security/two-step',
    checks: 'canManageOwnTwoStep: signed in, verified, not suspended',
    cells: 'login ok   ok   ok   ok   ok   ok   ok   no   ok   ok   ok',
    shows: ['Two-step verification', 'No authenticator app is set up'],
    // The <title> names the page.
    secret: ['No authenticator app is set up'],
  }),
  row({
    url: '/account/security/two-step/setup',
    checks: 'canManageOwnTwoStep: signed in, verified, not suspended (viewing it creates no secret: "Get a setup key" does)',
    cells: 'login ok   ok   ok   ok   ok   ok   ok   no   ok   ok   ok',
    shows: ['Set up an authenticator app', 'Get a setup key'],
    secret: ['Get a setup key', 'otpauth://'],
    hides: ['otpauth://'],
  }),
  row({
    url: '/account/security/two-step/setup',
    scenario: 'a setup key was made ("Get a setup key")',
    setup: pendingAuthenticator,
    checks: 'canManageOwnTwoStep: signed in, verified, not suspended',
    cells: 'login ok   ok   ok   ok   ok   ok   ok   no   ok   ok   ok',
    shows: ['Set up an authenticator app', 'Scan this QR code with the app', 'Your password'],
    secret: ['Scan this QR code with the app', 'Your password', 'otpauth://'],
    // The setup link is the viewer's own, for their own address.
    verify: (c, route) => expect(route.payload).toContain(`otpauth://totp/Portico:${encodeURIComponent(c.email!)}?secret=`),
  }),

  // ----- /verify: the steps of a session whose verification is pending -----------------------------
  // As built, no session is pending (the seed's policy asks for nothing and nobody has an
  // authenticator app): every persona's session is verified. The scenarios make one pending.
  row({
    url: '/verify',
    checks: 'requireVerificationStep: signed out → /login, verified → home',
    cells: VERIFIED_GO_HOME,
    shows: [],
  }),
  row({
    url: '/verify',
    scenario: 'policy: one-time passcode by email',
    setup: policy('EMAIL_OTP'),
    checks: 'requireVerificationStep, then verifyPath: the step the session is at',
    cells: externalSentTo('/verify/email'),
    shows: [],
  }),
  row({
    url: '/verify/email',
    checks: 'requireVerificationStep: signed out → /login, verified → home',
    cells: VERIFIED_GO_HOME,
    shows: [],
  }),
  row({
    url: '/verify/email',
    scenario: 'policy: one-time passcode by email',
    setup: policy('EMAIL_OTP'),
    checks: "requireVerificationStep('NEEDS_2SV:EMAIL_OTP')",
    cells: EXTERNAL_AT_STEP,
    shows: ['Verify your identity', 'requires external users to verify their identity with a one-time passcode', 'Log out'],
    verify: (c, route) => expect(route.text).toContain(`Signed in as ${c.email}.`),
  }),
  row({
    url: '/verify/password',
    checks: 'requireVerificationStep: signed out → /login, verified → home',
    cells: VERIFIED_GO_HOME,
    shows: [],
  }),
  row({
    url: '/verify/password',
    scenario: 'own session past the 30-day session expiration',
    setup: expiredSession,
    checks: "requireVerificationStep('NEEDS_REAUTH'): only external users' sessions expire",
    cells: EXTERNAL_AT_STEP,
    shows: ['Verify it’s you', 'Enter your password to continue', 'Log out'],
    verify: (c, route) => expect(route.text).toContain(`Signed in as ${c.email}.`),
  }),
  row({
    url: '/verify/authenticator',
    checks: 'requireVerificationStep: signed out → /login, verified → home',
    cells: VERIFIED_GO_HOME,
    shows: [],
  }),
  row({
    url: '/verify/authenticator',
    scenario: 'own authenticator app turned on',
    setup: ownAuthenticator,
    checks: "requireVerificationStep('NEEDS_2SV:TOTP'): anyone with an app of their own, internal users too",
    cells: 'login ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: ['Two-step verification', 'enter the 6-digit code it shows for Portico', 'Log out'],
    verify: (c, route) => expect(route.text).toContain(`Signed in as ${c.email}.`),
  }),
  row({
    url: '/verify/authenticator',
    scenario: 'policy: one-time passcode by email',
    setup: policy('EMAIL_OTP'),
    checks: 'requireVerificationStep: at another step → that step',
    cells: externalSentTo('/verify/email'),
    shows: [],
  }),
  row({
    url: '/verify/enroll',
    checks: 'requireVerificationStep: signed out → /login, verified → home',
    cells: VERIFIED_GO_HOME,
    shows: [],
  }),
  row({
    url: '/verify/enroll',
    scenario: 'policy: authenticator app required',
    setup: policy('TOTP'),
    checks: "requireVerificationStep('NEEDS_ENROLLMENT'); viewing it creates no secret",
    cells: EXTERNAL_AT_STEP,
    shows: ['Set up two-step verification', 'requires external users to verify their identity with an authenticator app', 'Get a setup key'],
    hides: ['otpauth://'],
  }),
  row({
    url: '/verify/enroll',
    scenario: 'policy: authenticator app required; a setup key was made',
    setup: async (db, session) => {
      await policy('TOTP')(db);
      await pendingAuthenticator(db, session);
    },
    checks: "requireVerificationStep('NEEDS_ENROLLMENT')",
    cells: EXTERNAL_AT_STEP,
    shows: ['Set up two-step verification', 'requires external users to verify their identity with an authenticator app', 'Scan this QR code with the app'],
    verify: (c, route) => expect(route.payload).toContain(`otpauth://totp/Portico:${encodeURIComponent(c.email!)}?secret=`),
  }),
  row({
    url: '/spaces/MKT',
    scenario: 'policy: one-time passcode by email',
    setup: policy('EMAIL_OTP'),
    checks: 'requireViewer: a session whose verification is pending reaches nothing but /verify',
    cells: 'login ok   ok   ok   ok   >/verify >/verify >/verify no   no   >/verify no',
    shows: ['MKT-1', 'Draft Q1 launch campaign brief', 'Brand guidelines v3 review'],
  }),

  // ----- Settings (site admin) ------------------------------------------------------------------
  row({
    url: '/admin/users',
    checks: "permission 'admin.users.view'",
    cells: ADMIN_ONLY,
    shows: ['Casey Jones', EMAIL.casey, 'Blair Quinn', EMAIL.blair, EMAIL.jordan],
  }),
  row({
    url: '/admin/users/<casey>',
    checks: "permission 'admin.users.view' + getUserProfile",
    cells: ADMIN_ONLY,
    shows: ['Casey Jones', EMAIL.casey, 'Marketing (MKT)', 'Guest access beyond their space'],
  }),
  row({
    url: '/admin/users/invite',
    checks: "permission 'admin.users.manage'",
    cells: ADMIN_ONLY,
    shows: ['Invite users', 'Roles for Jira', 'Jira · Acme'],
    secret: ['Roles for Jira', 'Jira · Acme'],
    verify: (_c, route) => expect(route.payload).toContain('"otherApps":["Confluence"]'),
  }),
  row({
    url: '/admin/requests',
    checks: "permission 'admin.requests.manage'",
    cells: ADMIN_ONLY,
    shows: ['Approve requests', 'Morgan Lee', EMAIL.morgan, 'freelance designer'],
    secret: ['Morgan Lee', EMAIL.morgan, 'freelance designer'],
  }),
  row({
    url: '/admin/requests/<morganRequest>',
    checks: "permission 'admin.requests.manage' + getRequest",
    cells: ADMIN_ONLY,
    shows: ['Review request', 'Morgan Lee', EMAIL.morgan, 'freelance designer'],
    secret: ['Morgan Lee', EMAIL.morgan, 'freelance designer'],
  }),
  row({
    url: '/admin/invitations/<taylorInvitation>',
    checks: "permission 'admin.users.view' + getInvitationForAdmin",
    cells: ADMIN_ONLY,
    shows: [`Invitation for ${EMAIL.taylor}`, 'Email delivery'],
    never: (c) => [c.facts.values.danaToken, c.facts.values.novaToken],
  }),
  row({
    url: '/admin/api-keys',
    checks: "permission 'admin.users.manage'",
    cells: ADMIN_ONLY,
    // Every persona's key is listed (only Alana's works: the others' creators aren't site admins).
    shows: ['Scripts and integrations use an organization API key', 'Organization ID', '<organization>', 'Matrix', EMAIL.sam, 'Not a site admin'],
    verify: (c, route) => expect(route.payload).toContain(c.facts.orgApiKeys[EMAIL.alana].id),
  }),
  row({
    url: '/admin/security/external-users',
    checks: "permission 'admin.security.manage'",
    cells: ADMIN_ONLY,
    shows: ['Security settings for people outside your organization'],
  }),
  row({
    url: '/admin/audit-log',
    checks: "permission 'admin.audit.view'",
    cells: ADMIN_ONLY,
    shows: ['Administrative activity on Acme', EMAIL.riley, '203.0.113.10'],
  }),
  row({
    url: '/admin/billing',
    checks: "permission 'admin.billing.manage'",
    cells: ADMIN_ONLY,
    shows: ['Current plan', 'Standard', 'Licensed seats'],
  }),

  // ----- Invitations (the token is the capability) ----------------------------------------------
  row({
    url: '/invite/<danaToken>',
    scenario: "Dana's invitation",
    checks: 'describeInvitation; signed in as someone else → log out first',
    cells: 'ok    oth  oth  oth  oth  oth  oth  oth  oth  oth  oth  ok',
    shows: ['Join Acme', `Invitation for ${EMAIL.dana}`],
    variants: {
      oth: {
        label: 'the invitation is for someone else',
        shows: [`This invitation is for ${EMAIL.dana}`, 'Log out'],
        hides: ['Join Acme', 'Accept'],
      },
    },
  }),
  row({
    url: '/invite/not-a-real-invitation-token',
    scenario: 'unknown token',
    checks: 'describeInvitation',
    cells: 'ok    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: ['This invitation link isn’t valid'],
    hides: [EMAIL.dana, EMAIL.nova, EMAIL.taylor],
  }),
  row({
    url: '/invite/<novaToken>/create-account',
    checks: 'describeInvitation: valid, and no account yet',
    cells: 'ok    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: ['Create your account', 'to join Acme'],
    // The address is the read-only input's value.
    verify: (_c, route) => expect(route.payload).toContain(`value="${EMAIL.nova}"`),
  }),
  row({
    url: '/invite/<danaToken>/create-account',
    scenario: 'the invitee has an account',
    checks: 'describeInvitation: valid, and no account yet',
    cells: Array(12).fill('>/invite/<danaToken>').join(' '),
    shows: [],
  }),

  // ----- The dev mailbox (no sign-in by design: only while Portico runs its own SMTP sink) -------
  row({
    url: '/dev/mailbox',
    mailbox: 'on',
    scenario: 'own SMTP sink',
    checks: 'PORTICO_DEV_MAILBOX_DIR set',
    cells: 'ok    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: ['Dev mailbox', 'Matrix: you are invited to Acme', EMAIL.taylor],
  }),
  row({
    url: '/dev/mailbox',
    mailbox: 'off',
    scenario: 'SMTP_URL set',
    checks: 'PORTICO_DEV_MAILBOX_DIR unset',
    cells: Array(12).fill('404').join(' '),
    shows: [],
  }),
  row({
    url: '/dev/mailbox/<mail>',
    mailbox: 'on',
    scenario: 'own SMTP sink',
    checks: 'PORTICO_DEV_MAILBOX_DIR set; message id',
    cells: 'ok    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok',
    shows: ['Matrix: you are invited to Acme', EMAIL.taylor, 'http://localhost:3000/invite/matrix-mail-token'],
  }),
  row({
    url: '/dev/mailbox/<mail>',
    mailbox: 'off',
    scenario: 'SMTP_URL set',
    checks: 'PORTICO_DEV_MAILBOX_DIR unset',
    cells: Array(12).fill('404').join(' '),
    shows: [],
  }),
  row({
    url: '/dev/mailbox/000000000000001-000000-00000000',
    mailbox: 'on',
    scenario: 'unknown message',
    checks: 'readMailboxMessage',
    cells: Array(12).fill('404').join(' '),
    shows: [],
  }),
];

// ---------------------------------------------------------------------------------------------
// Running the cells

let worlds: Worlds;
let facts: Facts;
let mailboxDir: string;
let clientComponents: Set<unknown>;
const modules = new Map<string, unknown>();

const fill = (text: string) =>
  text.replace(/<(\w+)>/g, (whole, name: string) => {
    const value = facts.values[name];
    if (value === undefined) throw new Error(`no fact <${name}> (in "${text}")`);
    return value;
  });

async function load<T>(file: string): Promise<T> {
  if (!modules.has(file)) modules.set(file, await import(/* @vite-ignore */ path.join(ROOT, file)));
  return modules.get(file) as T;
}

function writeMailboxMessage(dir: string): string {
  const id = `${String(Date.now()).padStart(15, '0')}-000000-0123abcd`;
  const eml = [
    `X-Portico-Envelope-To: ${EMAIL.taylor}`,
    'From: Portico <no-reply@portico.local>',
    `To: ${EMAIL.taylor}`,
    'Subject: Matrix: you are invited to Acme',
    `Date: ${new Date().toUTCString()}`,
    'Message-ID: <page-matrix@portico.local>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Alana Admin invited you to Acme. Accept invite: http://localhost:3000/invite/matrix-mail-token',
    '',
  ].join('\r\n');
  fs.writeFileSync(path.join(dir, `${id}.eml`), eml);
  return id;
}

beforeAll(async () => {
  worlds = await Worlds.build({ scratchDatabases: 1 });
  const db = worlds.readOnly('base');
  mailboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-page-matrix-'));
  const [casey, morganRequest, taylorInvitation, users, organization] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { email: EMAIL.casey }, select: { id: true } }),
    db.accessRequest.findFirstOrThrow({ where: { email: EMAIL.morgan, state: 'PENDING' }, select: { id: true } }),
    db.invitation.findFirstOrThrow({ where: { email: EMAIL.taylor, state: 'PENDING' }, select: { id: true } }),
    db.user.findMany({ select: { email: true, name: true } }),
    db.organization.findFirstOrThrow({ select: { id: true } }),
  ]);
  facts = {
    values: {
      casey: casey.id,
      organization: organization.id,
      morganRequest: morganRequest.id,
      taylorInvitation: taylorInvitation.id,
      danaToken: worlds.facts.tokens.dana,
      novaToken: worlds.facts.tokens.nova,
      mail: writeMailboxMessage(mailboxDir),
    },
    apiTokens: worlds.facts.apiTokens,
    orgApiKeys: worlds.facts.orgApiKeys,
    names: Object.fromEntries(users.map((u) => [u.email, u.name])),
  };
  // Client components: every export of a 'use client' file, and next/link's Link.
  clientComponents = new Set(FRAMEWORK_CLIENT_COMPONENTS);
  for (const file of clientComponentFiles(ROOT, ['components', 'app'])) {
    for (const value of Object.values(await load<Record<string, unknown>>(file))) if (typeof value === 'function') clientComponents.add(value);
  }
}, 120_000);

afterAll(async () => {
  await worlds?.drop();
  if (mailboxDir) fs.rmSync(mailboxDir, { recursive: true, force: true });
});

/** The page a row renders, and its params. */
function routeOf(r: PageRow, url: string) {
  const parsed = new URL(url, 'http://localhost:3000');
  const match = matchPage(PAGES, parsed.pathname);
  if (!match) throw new Error(`${url} matches no app/**/page.tsx`);
  const searchParams: Record<string, string | string[]> = {};
  for (const key of new Set(parsed.searchParams.keys())) {
    const all = parsed.searchParams.getAll(key);
    searchParams[key] = all.length === 1 ? all[0] : all;
  }
  return { ...match, searchParams, row: r };
}

async function render(r: PageRow, persona: PersonaKey, db: RequestState['db'], sessions: string[], pageOverride?: PageModule): Promise<RouteRender> {
  const session = await openSession(db, PERSONAS[persona]);
  if (session) sessions.push(session.sid);
  if (r.setup) await r.setup(db, session);
  const before = r.setup ? await snapshotWorld(db, session?.sid ?? null) : null;
  const request: RequestState = { db, token: session, revalidated: [] };
  const { page, params, searchParams } = routeOf(r, fill(r.url));
  const pageModule = pageOverride ?? (await load<PageModule>(page.file));
  const layouts = await Promise.all(page.layouts.map((file) => load<LayoutModule>(file)));
  const saved = process.env.PORTICO_DEV_MAILBOX_DIR;
  if (r.mailbox === 'on') process.env.PORTICO_DEV_MAILBOX_DIR = mailboxDir;
  else delete process.env.PORTICO_DEV_MAILBOX_DIR;
  try {
    const result = await inRequest(request, () => renderRoute({ page: pageModule, layouts, params, searchParams, client: clientComponents }));
    expect(request.revalidated, 'a page render revalidated paths').toEqual([]);
    if (before) expect(await snapshotWorld(db, session?.sid ?? null), 'rendering changed nothing in the database').toEqual(before);
    return result;
  } finally {
    if (saved === undefined) delete process.env.PORTICO_DEV_MAILBOX_DIR;
    else process.env.PORTICO_DEV_MAILBOX_DIR = saved;
  }
}

/** An outcome in the matrix's words. */
function summary(outcome: Outcome): string {
  if (outcome.kind === 'signal') return outcome.signal.kind === 'redirect' ? `redirect ${outcome.signal.to}` : '404';
  return outcome.text.includes(NO_ACCESS) ? 'NoAccess' : 'rendered';
}

const rendered = (outcome: Outcome) => {
  if (outcome.kind !== 'rendered') throw new Error(`expected a render, got ${summary(outcome)}`);
  return outcome;
};

const missing = (text: string, markers: string[]) => markers.filter((m) => !text.includes(m));
const present = (text: string, markers: string[]) => markers.filter((m) => text.includes(m));
/** Addresses other than the viewer's own (which a /verify page shows masked: c••••s@brightagency.io). */
const foreignEmails = (payload: string, own: string | null) =>
  [...new Set((own ? payload.replaceAll(maskEmail(own), own) : payload).match(EMAIL_PATTERN) ?? [])].filter((e) => e !== own).sort();

function expectAllowed(r: PageRow, c: CellContext, result: RouteRender, shows: string[], hides: string[]) {
  const expected = shows.includes(NO_ACCESS) ? 'NoAccess' : 'rendered';
  expect({ route: summary(result.route), page: summary(result.page) }, 'the route and the page alone').toEqual({ route: expected, page: expected });
  const route = rendered(result.route);
  const page = rendered(result.page);
  expect(result.layoutsShowPage, 'the layouts show the page').toBe(true);
  expect(missing(route.text, shows), 'what the allowed route must show').toEqual([]);
  expect(missing(page.text, shows), 'what the page alone must show').toEqual([]);
  expect(present(route.payload, hides), 'what the allowed route must not carry').toEqual([]);
  // A guest learns no one's email address but their own anywhere in the site's pages.
  if (GUESTS.includes(c.persona) && result.route.kind === 'rendered' && !r.url.startsWith('/invite/') && !r.url.startsWith('/dev/')) {
    expect(foreignEmails(route.payload, c.email), "other people's email addresses shown to a guest").toEqual([]);
  }
  return { route, page };
}

/** A refused cell: NoAccess from the route and from the page alone, and none of the row's data anywhere. */
function expectRefused(r: PageRow, c: CellContext, result: RouteRender) {
  expect({ route: summary(result.route), page: summary(result.page) }, 'the route and the page alone must both refuse').toEqual({ route: 'NoAccess', page: 'NoAccess' });
  const route = rendered(result.route);
  const page = rendered(result.page);
  const own = c.email ? [c.email, c.facts.names[c.email]] : [];
  const shows = r.shows.map(fill).filter((m) => !own.includes(m));
  const secret = (r.secret ?? r.shows).map(fill).filter((m) => !own.includes(m));
  expect(present(page.payload, shows), 'data of the allowed cells in the refusing page').toEqual([]);
  expect(present(route.payload, secret), 'data of the allowed cells in the refused route').toEqual([]);
  expect(foreignEmails(route.payload, c.email), "other people's email addresses in the refused route").toEqual([]);
  // Only the Settings layout refuses by itself; the site and space layouts show the page as is.
  const pageFile = routeOf(r, fill(r.url)).page;
  expect(result.layoutsShowPage, 'the layouts show the (refusing) page').toBe(!pageFile.layouts.includes(ADMIN_LAYOUT));
}

async function runCell(r: PageRow, persona: PersonaKey, sessions: string[]) {
  const expectation = r.cells[persona];
  const email = PERSONAS[persona].email;
  const c: CellContext = { persona, email, facts };
  const world = PERSONAS[persona].world;
  const result = r.setup ? await worlds.withFresh(world, (db) => render(r, persona, db, sessions)) : await render(r, persona, worlds.readOnly(world), sessions);

  // Whatever renders: no API token's or organization API key's secret, and nothing the row names as never shown.
  const never = [...Object.values(facts.apiTokens).map((t) => t.token), ...Object.values(facts.orgApiKeys).map((k) => k.key), ...(r.never?.(c) ?? [])];
  for (const outcome of [result.route, result.page]) {
    if (outcome.kind === 'rendered') expect(present(outcome.payload, never), 'secrets in the response').toEqual([]);
  }

  switch (expectation.kind) {
    case 'allow': {
      const { route, page } = expectAllowed(r, c, result, r.shows.map(fill), (r.hides ?? []).map(fill));
      r.verify?.(c, route, page);
      break;
    }
    case 'variant':
      expectAllowed(r, c, result, expectation.variant.shows.map(fill), (expectation.variant.hides ?? []).map(fill));
      break;
    case 'deny':
      expectRefused(r, c, result);
      break;
    case 'redirect': {
      const to = fill(expectation.to === 'home' ? HOME[persona] : expectation.to);
      expect({ route: summary(result.route), page: summary(result.page) }, 'the route and the page alone').toEqual({ route: `redirect ${to}`, page: `redirect ${to}` });
      break;
    }
    case 'notFound':
      expect({ route: summary(result.route), page: summary(result.page) }, 'the route and the page alone').toEqual({ route: '404', page: '404' });
      break;
  }
}

function describeCell(r: PageRow, persona: PersonaKey) {
  const e = r.cells[persona];
  const what =
    e.kind === 'allow' ? 'renders'
    : e.kind === 'deny' ? 'NoAccess'
    : e.kind === 'redirect' ? `redirect → ${e.to === 'home' ? `home (${HOME[persona]})` : e.to}`
    : e.kind === 'notFound' ? '404'
    : `renders ${e.variant.label}`;
  return `${PERSONAS[persona].label}: ${what}`;
}

const snapshots = (sessions: string[]) =>
  Promise.all((['base', 'shared'] as World[]).map(async (world) => {
    const snapshot = await snapshotWorld(worlds.readOnly(world), null);
    return { ...snapshot, sessions: snapshot.sessions.filter((s) => !sessions.includes(s.id)) };
  }));

// ---------------------------------------------------------------------------------------------
// The tests

describe('personas land where the columns assume', () => {
  it('homePath of each signed-in persona is HOME', async () => {
    const seen: Record<string, string> = {};
    for (const key of PERSONA_KEYS) {
      const db = worlds.readOnly(PERSONAS[key].world);
      const token = await openSession(db, PERSONAS[key]);
      const viewer = token ? await loadViewer(db, token.sid) : null;
      seen[key] = viewer ? homePath(viewer) : '/login';
    }
    expect(seen).toEqual(HOME);
  });
});

describe('inventory: the page matrix covers every app/**/page.tsx', () => {
  it('every page has a row, and every row renders a page that exists', () => {
    const urls = ROWS.map((r) => r.url.split('?')[0]);
    const covered = new Set<string>();
    const unmatched: string[] = [];
    for (const url of urls) {
      const match = matchPage(PAGES, url);
      if (match) covered.add(match.page.file);
      else unmatched.push(url);
    }
    expect(PAGES.length, 'app/**/page.tsx found').toBeGreaterThan(20);
    expect(PAGES.map((p) => p.file).filter((f) => !covered.has(f)), 'pages without a matrix row').toEqual([]);
    expect(unmatched, 'matrix rows naming a page that no longer exists').toEqual([]);
  });

  it("rows are unique; layouts and URL matching are Next.js's", () => {
    const titles = ROWS.map(rowTitle);
    expect(titles.length - new Set(titles).size, 'duplicate rows').toBe(0);
    const byFile = (file: string): PageFile => PAGES.find((p) => p.file === file)!;
    expect(byFile('app/(site)/admin/users/[id]/page.tsx').layouts).toEqual(['app/layout.tsx', 'app/(site)/layout.tsx', 'app/(site)/admin/layout.tsx']);
    expect(byFile('app/(site)/spaces/[key]/items/[number]/page.tsx').layouts).toEqual(['app/layout.tsx', 'app/(site)/layout.tsx', 'app/(site)/spaces/[key]/layout.tsx']);
    expect(matchPage(PAGES, '/spaces/MKT/items/new')?.page.file).toBe('app/(site)/spaces/[key]/items/new/page.tsx');
    expect(matchPage(PAGES, '/spaces/MKT/items/4')).toMatchObject({ page: { file: 'app/(site)/spaces/[key]/items/[number]/page.tsx' }, params: { key: 'MKT', number: '4' } });
  });

  it("knows the client components ('use client' files) it must not call as server components", () => {
    expect(clientComponentFiles(ROOT, ['components', 'app'])).toContain('components/login-form.tsx');
    expect(clientComponents.size).toBeGreaterThan(FRAMEWORK_CLIENT_COMPONENTS.length);
  });

  it('a page that leaves its refusal to the Settings layout fails its refused cells: its content still reaches the browser', async () => {
    const probe = row({ url: '/admin/users', checks: 'none of its own', cells: ADMIN_ONLY, shows: [EMAIL.casey] });
    const unchecked: PageModule = { default: async () => createElement('p', null, `Guest: ${EMAIL.casey}`) };
    const result = await render(probe, 'memberA', worlds.readOnly('base'), [], unchecked);
    expect(summary(result.route), 'the Settings layout refuses').toBe('NoAccess');
    expect(result.layoutsShowPage).toBe(false);
    expect(rendered(result.route).payload, "the page's segment is in the response").toContain(EMAIL.casey);
    expect(() => expectRefused(probe, { persona: 'memberA', email: EMAIL.lee, facts }, result)).toThrow(/must both refuse/);
  });

  it("reads next/navigation's own redirect() and notFound() digests", async () => {
    const navigation = await import('next/navigation');
    const thrown = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return signalOf(error);
      }
      return null;
    };
    expect(thrown(() => navigation.redirect('/login'))).toEqual({ kind: 'redirect', to: '/login', status: 307 });
    expect(thrown(() => navigation.notFound())).toEqual({ kind: 'notFound' });
  });
});

for (const r of ROWS) {
  describe(`${rowTitle(r)} — ${r.checks}`, () => {
    const sessions: string[] = [];
    let before: Awaited<ReturnType<typeof snapshots>>;
    beforeAll(async () => {
      before = await snapshots(sessions);
    });
    for (const persona of PERSONA_KEYS) it(describeCell(r, persona), () => runCell(r, persona, sessions));
    it('rendering changed nothing in the database', async () => {
      expect(await snapshots(sessions)).toEqual(before);
    });
  });
}
