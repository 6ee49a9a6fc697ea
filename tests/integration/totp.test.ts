// Authenticator apps on a real database, with codes computed here from the secret the enrollment
// shows (the otpauth:// URI): enrollment, a code accepted once (also under concurrency), recovery
// codes single use, throttling without permanent lockout, turning off, and the admin's reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '@/prisma/seed';
import { loadViewer } from '@/lib/access/viewer';
import { can, homePath, type Viewer } from '@/lib/access/policy';
import { base32Decode, totp } from '@/lib/security/totp';
import { ensurePendingAuthenticator, pendingAuthenticator, regenerateRecoveryCodes, resetTwoStep, turnOffAuthenticator, twoStepStatusFor } from '@/lib/security/authenticator';
import { confirmOwnEnrollment, confirmRequiredEnrollment, passAuthenticatorStep, startOwnEnrollment } from '@/lib/security/second-factor';
import { getExternalPolicy, updateExternalPolicy } from '@/lib/security/policy';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf } from '../support/viewers';
import { refusal } from '../support/refusal';

const LEE = 'lee.chen@acme.com'; // internal
const CASEY = 'casey.jones@brightagency.io'; // external guest of MKT
const JORDAN = 'jordan.blake@northwind-consulting.com'; // external guest

let t: TestDatabase;
let admin: Viewer;
let ip = 0;
/** Every test runs in its own 15-minute rate-limit windows, far from the others. */
let clock = Date.now() + 24 * 3_600_000;
const nextWindow = () => new Date((clock += 3_600_000));

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerOf(await signIn('alana.admin@acme.com'));
});
afterAll(() => t.drop());

/**
 * A new session as a password sign-in opens one (lib/auth/sessions.ts, tested in sessions.test.ts),
 * written directly so the sign-in throttle doesn't count the many sign-ins here.
 */
async function signIn(email: string, now = new Date()) {
  const user = await t.db.user.findUniqueOrThrow({ where: { email } });
  const session = await t.db.session.create({
    data: { userId: user.id, createdAt: now, verifiedAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 30 * 86_400_000), ip: `203.0.113.${++ip % 250}` },
  });
  return session.id;
}

async function viewerOf(sessionId: string, now?: Date): Promise<Viewer> {
  const viewer = await loadViewer(t.db, sessionId, now);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

const ctx = (viewer: Viewer) => ({ ip: null, audit: auditOf(viewer) });
const later = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

/** What a person's authenticator app holds: the secret from the otpauth:// URI of the enrollment page. */
async function scanEnrollment(email: string): Promise<Buffer> {
  const user = await t.db.user.findUniqueOrThrow({ where: { email } });
  const enrollment = await ensurePendingAuthenticator(t.db, { userId: user.id, email });
  if (!enrollment) throw new Error('already enrolled');
  const uri = new URL(enrollment.uri);
  expect(uri.protocol).toBe('otpauth:');
  expect(uri.searchParams.get('issuer')).toBe('Portico');
  expect(enrollment.manualKey.replace(/ /g, '')).toBe(uri.searchParams.get('secret'));
  return base32Decode(uri.searchParams.get('secret')!);
}

async function enrollLee(now: Date) {
  const viewer = await viewerOf(await signIn(LEE));
  const secret = await scanEnrollment(LEE);
  const { recoveryCodes } = await confirmOwnEnrollment(t.db, viewer, { code: totp(secret, now), password: DEMO_PASSWORD }, ctx(viewer), now);
  return { secret, recoveryCodes, viewer };
}

describe('turning on an authenticator app (any user, internal too)', () => {
  it('viewing the setup page makes no secret; "Get a setup key" makes one, which reloads keep showing until confirmed', async () => {
    const email = 'priya.shah@acme.com';
    const viewer = await viewerOf(await signIn(email));
    const who = { userId: viewer.userId, email };
    expect(await pendingAuthenticator(t.db, who)).toEqual({ state: 'NONE' });
    expect(await pendingAuthenticator(t.db, who)).toEqual({ state: 'NONE' });
    expect(await t.db.authenticatorSecret.count({ where: { userId: viewer.userId } })).toBe(0);

    await startOwnEnrollment(t.db, viewer);
    const shown = await pendingAuthenticator(t.db, who);
    expect(shown).toMatchObject({ state: 'PENDING', enrollment: { account: email, issuer: 'Portico' } });
    expect(await pendingAuthenticator(t.db, who)).toEqual(shown);
    // Pressing it again (another tab) keeps the same key.
    await startOwnEnrollment(t.db, viewer);
    expect(await pendingAuthenticator(t.db, who)).toEqual(shown);
    expect(await t.db.authenticatorSecret.count({ where: { userId: viewer.userId } })).toBe(1);
    await t.db.authenticatorSecret.deleteMany({ where: { userId: viewer.userId } });
  });

  it('confirms with a code from the app, shows 10 recovery codes once, and then asks for a code at every sign-in', async () => {
    const now = nextWindow();
    const viewer = await viewerOf(await signIn(LEE));
    const secret = await scanEnrollment(LEE);
    // The page shows the same pending secret on reload.
    expect(await scanEnrollment(LEE)).toEqual(secret);
    expect(await refusal(confirmOwnEnrollment(t.db, viewer, { code: totp(secret, now), password: 'wrong' }, ctx(viewer), now))).toMatchObject({ message: 'Incorrect password.' });
    expect(await refusal(confirmOwnEnrollment(t.db, viewer, { code: '000000', password: DEMO_PASSWORD }, ctx(viewer), now))).toMatchObject({ code: 'INVALID_INPUT' });
    const { recoveryCodes, sessionId: enrolled } = await confirmOwnEnrollment(t.db, viewer, { code: totp(secret, now), password: DEMO_PASSWORD }, ctx(viewer), now);
    expect(recoveryCodes).toHaveLength(10);
    // Stored hashed, none in the clear.
    const stored = await t.db.recoveryCode.findMany({ where: { userId: viewer.userId } });
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(recoveryCodes.some((c) => row.codeHash.includes(c) || row.codeHash.includes(c.replace('-', '')))).toBe(false);
    const secretRow = await t.db.authenticatorSecret.findUniqueOrThrow({ where: { userId: viewer.userId } });
    expect(secretRow.secret).not.toContain(Buffer.from(secret).toString('base64'));
    expect(secretRow.confirmedAt).not.toBeNull();
    expect(await t.db.auditEvent.count({ where: { action: 'security.2sv.enrolled', targetUserId: viewer.userId } })).toBe(1);

    // The session that enrolled is verified, under a new id; a new sign-in is not, until the code.
    expect(enrolled).not.toBe(viewer.sessionId);
    expect(await loadViewer(t.db, viewer.sessionId)).toBeNull();
    expect((await viewerOf(enrolled)).verification).toBe('OK');
    const next = await viewerOf(await signIn(LEE));
    expect(next).toMatchObject({ verification: 'NEEDS_2SV', secondFactor: 'TOTP' });
    expect(can(next, 'jira.use')).toBe(false);
    expect(homePath(next)).toBe('/verify');

    // The enrollment's code was for this step: replaying it is refused; the next step's code works.
    expect(await refusal(passAuthenticatorStep(t.db, next, { kind: 'totp', code: totp(secret, now) }, ctx(next), now))).toMatchObject({
      message: 'That code was already used. Wait for the next code in your authenticator app.',
    });
    const passed = await passAuthenticatorStep(t.db, next, { kind: 'totp', code: totp(secret, later(now, 30)) }, ctx(next), later(now, 30));
    expect((await viewerOf(passed.sessionId)).verification).toBe('OK');
    expect(await loadViewer(t.db, next.sessionId)).toBeNull();

    const status = await twoStepStatusFor(t.db, admin, viewer.userId);
    expect(status).toMatchObject({ authenticator: 'ON', recoveryCodesLeft: 10 });
    expect(status!.lastSecondFactorAt).not.toBeNull();

    await resetTwoStep(t.db, admin, viewer.userId, auditOf(admin));
  });

  it('accepts one code once even when it is sent by several sessions at the same moment', async () => {
    const now = nextWindow();
    const { secret } = await enrollLee(now);
    const sessions = await Promise.all([1, 2, 3, 4, 5].map(async () => viewerOf(await signIn(LEE))));
    const at = later(now, 60);
    const code = totp(secret, at);
    const results = await Promise.allSettled(sessions.map((s) => passAuthenticatorStep(t.db, s, { kind: 'totp', code }, ctx(s), at)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason.message).toMatch(/already used/);
    // The one that passed lives on under a new id; the others still wait for a code.
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ sessionId: string }>;
    expect((await viewerOf(winner.value.sessionId)).verification).toBe('OK');
    const verified = await Promise.all(sessions.map(async (s) => (await loadViewer(t.db, s.sessionId))?.verification ?? 'ROTATED'));
    expect(verified.filter((v) => v === 'ROTATED')).toHaveLength(1);
    expect(verified.filter((v) => v === 'NEEDS_2SV')).toHaveLength(4);
    // An older step than the last accepted one is refused too.
    const old = sessions[verified.indexOf('NEEDS_2SV')];
    expect(await refusal(passAuthenticatorStep(t.db, old, { kind: 'totp', code: totp(secret, later(now, 30)) }, ctx(old), at))).toMatchObject({ message: /already used/ });
    await resetTwoStep(t.db, admin, old.userId, auditOf(admin));
  });

  it('recovery codes work once each (also concurrently), and regenerating replaces them', async () => {
    const now = nextWindow();
    const { secret, recoveryCodes } = await enrollLee(now);
    const first = await viewerOf(await signIn(LEE));
    const recovered = await passAuthenticatorStep(t.db, first, { kind: 'recovery', code: recoveryCodes[0].toUpperCase() }, ctx(first), now);
    expect(recovered).toEqual({ sessionId: expect.any(String), recoveryCodesLeft: 9 });
    expect((await viewerOf(recovered.sessionId)).verification).toBe('OK');
    expect(await loadViewer(t.db, first.sessionId)).toBeNull();

    const second = await viewerOf(await signIn(LEE));
    expect(await refusal(passAuthenticatorStep(t.db, second, { kind: 'recovery', code: recoveryCodes[0] }, ctx(second), now))).toMatchObject({ code: 'INVALID_INPUT' });

    const racers = await Promise.all([1, 2, 3].map(async () => viewerOf(await signIn(LEE))));
    const raced = await Promise.allSettled(racers.map((s) => passAuthenticatorStep(t.db, s, { kind: 'recovery', code: recoveryCodes[1] }, ctx(s), now)));
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    // Regenerating needs a current code; the old codes stop working, the new ones work.
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(t.db, first, totp(secret, later(now, 30)), auditOf(first), later(now, 30));
    expect(fresh).toHaveLength(10);
    const third = await viewerOf(await signIn(LEE));
    const at = later(now, 16 * 60); // a new rate-limit window
    expect(await refusal(passAuthenticatorStep(t.db, third, { kind: 'recovery', code: recoveryCodes[2] }, ctx(third), at))).toMatchObject({ code: 'INVALID_INPUT' });
    await passAuthenticatorStep(t.db, third, { kind: 'recovery', code: fresh[0] }, ctx(third), at);
    expect(await t.db.auditEvent.count({ where: { action: 'security.2sv.recovery_codes.regenerated', targetUserId: first.userId } })).toBe(1);

    // Turning off needs a current code; then sign-in asks nothing more.
    await turnOffAuthenticator(t.db, first, totp(secret, later(now, 16 * 60 + 30)), auditOf(first), later(now, 16 * 60 + 30));
    expect((await viewerOf(await signIn(LEE))).verification).toBe('OK');
  });

  it('throttles code attempts per account (10 per 15 minutes) without locking the account for good', async () => {
    const now = nextWindow();
    const { secret } = await enrollLee(now); // one attempt in this window
    const viewer = await viewerOf(await signIn(LEE));
    const wrong = totp(secret, now) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 9; i++) expect(await refusal(passAuthenticatorStep(t.db, viewer, { kind: 'totp', code: wrong }, ctx(viewer), now))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await refusal(passAuthenticatorStep(t.db, viewer, { kind: 'totp', code: totp(secret, later(now, 30)) }, ctx(viewer), now))).toMatchObject({ code: 'RATE_LIMITED' });
    const failures = await t.db.auditEvent.count({ where: { action: 'security.2sv.failed', targetUserId: viewer.userId } });
    expect(failures).toBeGreaterThanOrEqual(9);
    const after = later(now, 16 * 60);
    const { sessionId } = await passAuthenticatorStep(t.db, viewer, { kind: 'totp', code: totp(secret, after) }, ctx(viewer), after);
    expect((await viewerOf(sessionId, after)).verification).toBe('OK');
    await resetTwoStep(t.db, admin, viewer.userId, auditOf(admin));
  });
});

describe('"Authenticator app required" for external users', () => {
  async function setMethod(twoStepMethod: 'NONE' | 'EMAIL_OTP' | 'TOTP') {
    const { version } = await getExternalPolicy(t.db, admin);
    await updateExternalPolicy(t.db, admin, { twoStepMethod, sessionMaxMinutes: 43200, idleTimeoutMinutes: 'OFF', apiTokens: 'ALLOW', version }, auditOf(admin));
  }

  it('forces enrollment, then asks for the app (not the emailed passcode) — and the admin can see and reset it', async () => {
    const now = nextWindow();
    await setMethod('TOTP');
    try {
      const viewer = await viewerOf(await signIn(JORDAN));
      expect(viewer.verification).toBe('NEEDS_ENROLLMENT');
      // The other steps refuse a session at enrollment.
      expect(await refusal(passAuthenticatorStep(t.db, viewer, { kind: 'totp', code: '123456' }, ctx(viewer), now))).toMatchObject({ code: 'REFUSED' });
      const secret = await scanEnrollment(JORDAN);
      const { recoveryCodes, sessionId } = await confirmRequiredEnrollment(t.db, viewer, totp(secret, now), ctx(viewer), now);
      expect(recoveryCodes).toHaveLength(10);
      expect((await viewerOf(sessionId)).verification).toBe('OK');
      expect(await loadViewer(t.db, viewer.sessionId)).toBeNull();
      // Can't turn it off while the policy requires it.
      expect(await refusal(turnOffAuthenticator(t.db, await viewerOf(sessionId), totp(secret, later(now, 30)), auditOf(viewer), later(now, 30)))).toMatchObject({ code: 'REFUSED' });

      // With the emailed passcode as the policy, someone with an app is asked for the app.
      await setMethod('EMAIL_OTP');
      const next = await viewerOf(await signIn(JORDAN));
      expect(next).toMatchObject({ verification: 'NEEDS_2SV', secondFactor: 'TOTP' });

      // The admin resets it: audited; under "Authenticator app required" they enroll again.
      await setMethod('TOTP');
      const { hadAuthenticator } = await resetTwoStep(t.db, admin, viewer.userId, auditOf(admin));
      expect(hadAuthenticator).toBe(true);
      expect(await t.db.auditEvent.findFirstOrThrow({ where: { action: 'security.2sv.reset', targetUserId: viewer.userId } })).toMatchObject({ actorId: admin.userId });
      expect((await viewerOf(await signIn(JORDAN))).verification).toBe('NEEDS_ENROLLMENT');
      expect((await twoStepStatusFor(t.db, admin, viewer.userId))?.authenticator).toBe('OFF');
      // Only site admins reset.
      const casey = await viewerOf(await signIn(CASEY));
      await expect(resetTwoStep(t.db, casey, viewer.userId, auditOf(casey))).rejects.toThrow("You don't have access");
    } finally {
      await setMethod('NONE');
    }
  });
});
