// Rows of the authorization matrix (tests/integration/authorization-matrix.test.ts) for external-user
// security: Security → External users (site admins), the /verify steps of a session whose two-step
// verification is pending, and Account settings → Two-step verification. Kept in a file of their
// own; the matrix spreads SECURITY_MODULES and SECURITY_ROWS into its own.
//
// The worlds' policy is the seed's (None), so no persona needs a /verify step as built. A row whose
// allowed cells need one sets it up inside the call, on the cell's scratch database (allowed cells
// of `mutates` rows always get one): the policy, or the persona's own authenticator app. Refused
// cells run on the shared read-only database, so they set up nothing beyond their own session row
// (which the "nothing changed" snapshot leaves out); their refusal doesn't depend on the setup
// (internal users, suspended users and people not on the site are never asked for these steps).
import { expect } from 'vitest';
import * as verifyActions from '@/app/verify/actions';
import * as twoStepActions from '@/app/(site)/account/security/two-step/actions';
import * as securityActions from '@/app/(site)/admin/security/external-users/actions';
import * as securityExportRoute from '@/app/(site)/admin/security/external-users/export/route';
import { loadViewer } from '@/lib/access/viewer';
import type { Result } from '@/lib/result';
import { seal } from '@/lib/security/crypto';
import { ensurePendingAuthenticator } from '@/lib/security/authenticator';
import { sendEmailPasscode } from '@/lib/security/email-passcode';
import { base32Decode, generateTotpSecret, totp } from '@/lib/security/totp';
import { allowed, cells, CLIENT, fromResult, refused, type CallContext, type MatrixRow, type VerifyContext } from './matrix';
import { EMAIL, PASSWORD, type PersonaKey } from './personas';

const VERIFY = 'app/verify/actions.ts';
const TWO_STEP = 'app/(site)/account/security/two-step/actions.ts';
const SECURITY = 'app/(site)/admin/security/external-users/actions.ts';
const SECURITY_EXPORT = 'app/(site)/admin/security/external-users/export/route.ts';

export const SECURITY_MODULES: Record<string, Record<string, unknown>> = {
  [VERIFY]: verifyActions,
  [TWO_STEP]: twoStepActions,
  [SECURITY]: securityActions,
  [SECURITY_EXPORT]: securityExportRoute,
};

/** External people on the site with usable access: the ones the external-user policy applies to. */
const EXTERNAL_ON_SITE: PersonaKey[] = ['guestA', 'guestNoSpace', 'guestB', 'sharedWith'];
const isExternalOnSite = (c: CallContext) => EXTERNAL_ON_SITE.includes(c.persona.key);
const STEP = { R: 'REFUSED' };

type Action = (raw: unknown) => Promise<Result<unknown>>;
const run = async (action: unknown, input: unknown) => fromResult(await (action as Action)(input));

const actorOf = async (c: VerifyContext) => c.idOf(c.persona.email!);
const ownSession = (c: CallContext) => c.request.token?.sid ?? null;

async function expectAudited(c: VerifyContext, action: string, extra: Record<string, unknown> = {}) {
  const event = await c.db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } });
  expect(event).toMatchObject({ actorId: await actorOf(c), ip: CLIENT.ip, userAgent: CLIENT.userAgent, ...extra });
}

async function setPolicy(c: CallContext, twoStepMethod: 'EMAIL_OTP' | 'TOTP') {
  await c.db.externalUserPolicy.updateMany({ data: { twoStepMethod } });
}

/** A confirmed authenticator app for the persona; `passed`: this session has already presented it. */
async function giveAuthenticator(c: CallContext, { passed }: { passed: boolean }): Promise<Buffer> {
  const userId = await c.idOf(c.persona.email!);
  const secret = generateTotpSecret();
  const data = { secret: seal(secret, userId), confirmedAt: new Date(), lastUsedStep: 0 };
  await c.db.authenticatorSecret.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  const sid = ownSession(c);
  if (passed && sid) await c.db.session.update({ where: { id: sid }, data: { secondFactorAt: new Date(Date.now() + 1000) } });
  return secret;
}

/** The code the persona's authenticator app shows now for its pending (enrollment) secret. */
async function pendingCode(c: CallContext): Promise<string> {
  const enrollment = await ensurePendingAuthenticator(c.db, { userId: await c.idOf(c.persona.email!), email: c.persona.email! });
  if (!enrollment) throw new Error('already enrolled');
  return totp(base32Decode(new URL(enrollment.uri).searchParams.get('secret')!), new Date());
}

/**
 * The step renewed the session id: the cookie now carries a new session, rotated from the one the
 * persona was signed in with, and the old id opens nothing any more. Returns the new id.
 */
async function expectSessionRotated(c: VerifyContext): Promise<string> {
  const old = c.session!.sid;
  const sid = c.request.token!.sid;
  expect(sid).not.toBe(old);
  expect(await c.db.session.findUnique({ where: { id: sid } })).toMatchObject({ rotatedFromId: old, userId: c.session!.sub, revokedAt: null });
  expect(await c.db.session.count({ where: { id: old } })).toBe(0);
  expect(await loadViewer(c.db, old)).toBeNull();
  return sid;
}

async function expectSessionVerified(c: VerifyContext) {
  const sid = await expectSessionRotated(c);
  expect((await c.db.session.findUniqueOrThrow({ where: { id: sid } })).secondFactorAt).not.toBeNull();
  expect((await loadViewer(c.db, sid))?.verification).toBe('OK');
}

const POLICY_TOTP = { twoStepMethod: 'TOTP', sessionMaxMinutes: '43200', idleTimeoutMinutes: 'OFF', apiTokens: 'ALLOW' };

export const SECURITY_ROWS: MatrixRow[] = [
  // ----- Security → External users (site admin) --------------------------------------------------
  {
    source: SECURITY,
    name: 'reviewPolicyChangeAction',
    scenario: '(None → Authenticator app required)',
    checks: "permission 'admin.security.manage'",
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: (_c, action) => run(action, POLICY_TOTP),
    verify: async (c) => {
      const review = c.value as { counts: Record<string, number>; summary: string[]; affected: { email: string }[] };
      expect(review.affected.map((u) => u.email).sort()).toEqual([EMAIL.blair, EMAIL.casey, EMAIL.jordan]);
      expect(review.counts).toMatchObject({ mustEnroll: 3, tokensStop: 3 });
      expect(review.summary).toEqual(['3 external users will have to set up two-step verification at their next sign-in', '3 API tokens will stop working']);
    },
  },
  {
    source: SECURITY,
    name: 'updatePolicyAction',
    checks: "permission 'admin.security.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: async (c, action) => {
      const { updatedAt } = await c.db.externalUserPolicy.findFirstOrThrow();
      return run(action, { twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: '1440', idleTimeoutMinutes: '60', apiTokens: 'BLOCK', version: updatedAt.toISOString() });
    },
    verify: async (c) => {
      expect(c.value).toBe('External user security updated. It applies from each external user’s next request.');
      expect(await c.db.externalUserPolicy.findFirstOrThrow()).toMatchObject({ twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: 1440, idleTimeoutMinutes: 60, apiTokensAllowed: false });
      await expectAudited(c, 'security.policy.changed', { after: { twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: 1440, idleTimeoutMinutes: 60, apiTokensAllowed: false } });
      expect(c.request.revalidated).toEqual(['/admin/security/external-users']);
    },
  },
  {
    source: SECURITY,
    name: 'resetSessionsAction',
    checks: "permission 'admin.security.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: (_c, action) => run(action, {}),
    verify: async (c) => {
      expect(c.value).toMatch(/^Sessions reset\. Every external user has to log in again/);
      expect((await c.db.externalUserPolicy.findFirstOrThrow()).sessionsResetAt).not.toBeNull();
      expect(await c.db.session.count({ where: { user: { email: EMAIL.casey }, revokedAt: null } })).toBe(0);
      // The admin's own (internal) session goes on.
      expect(await loadViewer(c.db, c.session!.sid)).not.toBeNull();
      await expectAudited(c, 'security.sessions.reset');
    },
  },
  {
    source: SECURITY,
    name: 'resetTwoStepAction',
    scenario: "(Casey's authenticator app)",
    checks: "permission 'admin.security.manage'",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: true,
    call: async (c, action) => {
      const casey = await c.idOf(EMAIL.casey);
      if (c.persona.key === 'siteAdmin') {
        await c.db.authenticatorSecret.create({ data: { userId: casey, secret: seal(generateTotpSecret(), casey), confirmedAt: new Date() } });
      }
      return run(action, { userId: casey });
    },
    verify: async (c) => {
      const casey = await c.idOf(EMAIL.casey);
      expect(c.value).toBe('Two-step verification reset. Their authenticator app and recovery codes no longer work.');
      expect(await c.db.authenticatorSecret.count({ where: { userId: casey } })).toBe(0);
      await expectAudited(c, 'security.2sv.reset', { targetUserId: casey });
    },
  },
  {
    source: SECURITY_EXPORT,
    name: 'GET',
    checks: "permission 'admin.security.manage' (401 signed out, 403 without it)",
    cells: cells('U    ok   F    F    F    F    F    F    F    F    F    F'),
    mutates: false,
    call: async (_c, handler) => {
      const response = await (handler as typeof securityExportRoute.GET)();
      if (response.status === 401) return refused('UNAUTHENTICATED', await response.text());
      if (response.status === 403) return refused('FORBIDDEN', await response.text());
      if (response.status !== 200) return refused(`status ${response.status}`);
      return allowed({ type: response.headers.get('content-type'), body: await response.text() });
    },
    verify: async (c) => {
      const { type, body } = c.value as { type: string; body: string };
      expect(type).toBe('text/csv; charset=utf-8');
      const names = body.split('\r\n').filter(Boolean).map((line) => line.split(',')[0]);
      expect(names).toEqual(['Name', 'Blair Quinn', 'Casey Jones', 'Jordan Blake']);
    },
  },

  // ----- /verify: the steps of a session whose verification is pending ----------------------------
  {
    source: VERIFY,
    name: 'reverifyPasswordAction',
    scenario: '(own session past the 30-day session expiration)',
    checks: 'the session is at the password step (external user on the site, session expired)',
    //            anon admn sAdA memA vwrA gstA gst0 gstB susp remv shrd outs
    cells: cells('U    R    R    R    R    ok   ok   ok   R    R    ok   R', STEP),
    mutates: true,
    call: async (c, action) => {
      const sid = ownSession(c);
      if (sid) await c.db.session.update({ where: { id: sid }, data: { verifiedAt: new Date(Date.now() - 31 * 86_400_000) } });
      return run(action, { password: PASSWORD });
    },
    verify: async (c) => {
      expect(c.value).toBe('Password verified.');
      const sid = await expectSessionRotated(c);
      const session = await c.db.session.findUniqueOrThrow({ where: { id: sid } });
      expect(Date.now() - session.verifiedAt.getTime()).toBeLessThan(60_000);
      expect((await loadViewer(c.db, sid))?.verification).toBe('OK');
      await expectAudited(c, 'security.reverified');
    },
  },
  {
    source: VERIFY,
    name: 'sendEmailPasscodeAction',
    scenario: '(policy: one-time passcode by email)',
    checks: 'the session is at the emailed-passcode step (external user on the site)',
    cells: cells('U    R    R    R    R    ok   ok   ok   R    R    ok   R', STEP),
    mutates: true,
    call: async (c, action) => {
      if (isExternalOnSite(c)) await setPolicy(c, 'EMAIL_OTP');
      return run(action, {});
    },
    verify: async (c) => {
      expect(c.value).toMatchObject({ sentTo: expect.stringMatching(/^[a-z]•+[a-z]@/) });
      const email = await c.db.outboxEmail.findFirstOrThrow({ where: { to: c.persona.email!, template: 'email-passcode' } });
      expect(email).toMatchObject({ state: 'PENDING', payload: { code: expect.stringMatching(/^\d{6}$/) } });
      expect(await c.db.emailPasscode.count({ where: { userId: await actorOf(c), usedAt: null } })).toBe(1);
    },
  },
  {
    source: VERIFY,
    name: 'verifyEmailPasscodeAction',
    scenario: '(policy: one-time passcode by email; the emailed code)',
    checks: 'the session is at the emailed-passcode step (external user on the site)',
    cells: cells('U    R    R    R    R    ok   ok   ok   R    R    ok   R', STEP),
    mutates: true,
    call: async (c, action) => {
      let code = '000000';
      const sid = ownSession(c);
      if (isExternalOnSite(c) && sid) {
        await setPolicy(c, 'EMAIL_OTP');
        await sendEmailPasscode(c.db, (await loadViewer(c.db, sid))!, { ip: null });
        const email = await c.db.outboxEmail.findFirstOrThrow({ where: { to: c.persona.email!, template: 'email-passcode' }, orderBy: { createdAt: 'desc' } });
        code = (email.payload as { code: string }).code;
      }
      return run(action, { code });
    },
    verify: async (c) => {
      expect(c.value).toBe('Verified.');
      await expectSessionVerified(c);
      await expectAudited(c, 'security.2sv.verified', { after: { method: 'EMAIL_OTP' } });
    },
  },
  {
    source: VERIFY,
    name: 'verifyAuthenticatorAction',
    scenario: '(own authenticator app turned on; a code from it)',
    checks: 'the session is at the authenticator step (anyone with an authenticator app)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok'),
    mutates: true,
    call: async (c, action) => {
      const code = c.persona.email ? totp(await giveAuthenticator(c, { passed: false }), new Date()) : '000000';
      return run(action, { code, kind: 'totp' });
    },
    verify: async (c) => {
      expect(c.value).toBe('Verified.');
      await expectSessionVerified(c);
      await expectAudited(c, 'security.2sv.verified', { after: { method: 'TOTP' } });
    },
  },
  {
    source: VERIFY,
    name: 'startEnrollmentAction',
    scenario: '(policy: authenticator app required; "Get a setup key")',
    checks: 'the session is at the enrollment step (external user on the site without an app)',
    cells: cells('U    R    R    R    R    ok   ok   ok   R    R    ok   R', STEP),
    mutates: true,
    call: async (c, action) => {
      if (isExternalOnSite(c)) await setPolicy(c, 'TOTP');
      return run(action, {});
    },
    verify: async (c) => {
      expect(c.value).toBe('Your setup key is ready.');
      // The pending secret exists now (the page only shows it), not yet confirmed.
      expect((await c.db.authenticatorSecret.findUniqueOrThrow({ where: { userId: await actorOf(c) } })).confirmedAt).toBeNull();
      expect(c.request.revalidated).toEqual(['/verify/enroll']);
    },
  },
  {
    source: VERIFY,
    name: 'confirmEnrollmentAction',
    scenario: '(policy: authenticator app required; a code from the new app)',
    checks: 'the session is at the enrollment step (external user on the site without an app)',
    cells: cells('U    R    R    R    R    ok   ok   ok   R    R    ok   R', STEP),
    mutates: true,
    call: async (c, action) => {
      let code = '000000';
      if (isExternalOnSite(c)) {
        await setPolicy(c, 'TOTP');
        code = await pendingCode(c);
      }
      return run(action, { code });
    },
    verify: async (c) => {
      expect((c.value as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
      expect((await c.db.authenticatorSecret.findUniqueOrThrow({ where: { userId: await actorOf(c) } })).confirmedAt).not.toBeNull();
      await expectSessionVerified(c);
      await expectAudited(c, 'security.2sv.enrolled');
    },
  },

  // ----- Account settings → Security → Two-step verification (the owner) -------------------------
  {
    source: TWO_STEP,
    name: 'startAuthenticatorSetupAction',
    scenario: '("Get a setup key" on the setup page)',
    checks: 'signed in, verified and not suspended (anyone sets up their own app)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    ok   ok   ok'),
    mutates: true,
    call: async (_c, action) => run(action, {}),
    verify: async (c) => {
      expect(c.value).toBe('Your setup key is ready.');
      expect((await c.db.authenticatorSecret.findUniqueOrThrow({ where: { userId: await actorOf(c) } })).confirmedAt).toBeNull();
      expect(c.request.revalidated).toEqual(['/account/security/two-step/setup']);
    },
  },
  {
    source: TWO_STEP,
    name: 'turnOnAuthenticatorAction',
    scenario: '(a code from the new app and the password)',
    checks: 'signed in, verified and not suspended (anyone turns on their own app)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    ok   ok   ok'),
    mutates: true,
    call: async (c, action) => {
      const code = c.persona.email && c.persona.key !== 'suspended' ? await pendingCode(c) : '000000';
      return run(action, { code, password: PASSWORD });
    },
    verify: async (c) => {
      expect((c.value as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
      expect(await c.db.recoveryCode.count({ where: { userId: await actorOf(c), usedAt: null } })).toBe(10);
      await expectAudited(c, 'security.2sv.enrolled');
      expect(c.request.revalidated).toEqual(['/account/security/two-step']);
      await expectSessionVerified(c);
    },
  },
  {
    source: TWO_STEP,
    name: 'regenerateRecoveryCodesAction',
    scenario: '(own app on and passed in this session; a current code)',
    checks: 'signed in, verified and not suspended (the owner only)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    ok   ok   ok'),
    mutates: true,
    call: async (c, action) => {
      const code = c.persona.email && c.persona.key !== 'suspended' ? totp(await giveAuthenticator(c, { passed: true }), new Date()) : '000000';
      return run(action, { code });
    },
    verify: async (c) => {
      expect((c.value as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
      expect(await c.db.recoveryCode.count({ where: { userId: await actorOf(c) } })).toBe(10);
      await expectAudited(c, 'security.2sv.recovery_codes.regenerated');
    },
  },
  {
    source: TWO_STEP,
    name: 'turnOffAuthenticatorAction',
    scenario: '(own app on and passed in this session; a current code)',
    checks: 'signed in, verified and not suspended (the owner only)',
    cells: cells('U    ok   ok   ok   ok   ok   ok   ok   F    ok   ok   ok'),
    mutates: true,
    call: async (c, action) => {
      const code = c.persona.email && c.persona.key !== 'suspended' ? totp(await giveAuthenticator(c, { passed: true }), new Date()) : '000000';
      return run(action, { code });
    },
    verify: async (c) => {
      expect(c.value).toBe('Two-step verification is off.');
      expect(await c.db.authenticatorSecret.count({ where: { userId: await actorOf(c) } })).toBe(0);
      await expectAudited(c, 'security.2sv.disabled');
    },
  },
];
