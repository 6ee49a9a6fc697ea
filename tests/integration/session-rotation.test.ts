// Session fixation: the session id is renewed whenever the session's verification rises (second
// factor by emailed passcode, authenticator code or recovery code, forced enrollment, password
// re-verification). A token captured before the step opens nothing afterwards, and the rotation is
// one transaction: at no moment do both the old and the new session exist, or neither.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '@/prisma/seed';
import { loadViewer } from '@/lib/access/viewer';
import { can, type Viewer } from '@/lib/access/policy';
import { rotateSession, rotatedSuccessor, revokeSession, ROTATION_ADOPT_SECONDS } from '@/lib/auth/sessions';
import { sendEmailPasscode, verifyEmailPasscode } from '@/lib/security/email-passcode';
import { passAuthenticatorStep, reverifyPassword } from '@/lib/security/second-factor';
import { seal } from '@/lib/security/crypto';
import { newRecoveryCodes, storeRecoveryCodes } from '@/lib/security/recovery-codes';
import { generateTotpSecret, totp } from '@/lib/security/totp';
import { DomainError } from '@/lib/result';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf } from '../support/viewers';
import { refusal } from '../support/refusal';

const CASEY = 'casey.jones@brightagency.io'; // external guest of MKT
const LEE = 'lee.chen@acme.com'; // internal licensed user

let t: TestDatabase;
let ip = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(() => t.drop());

beforeEach(async () => {
  await t.db.externalUserPolicy.updateMany({ data: { twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: 43200, idleTimeoutMinutes: null, sessionsResetAt: null } });
});

/**
 * A new session as a password sign-in opens one (lib/auth/sessions.ts, tested in sessions.test.ts),
 * written directly so the sign-in throttle doesn't count the many sign-ins here.
 */
async function signIn(email: string): Promise<string> {
  const user = await t.db.user.findUniqueOrThrow({ where: { email } });
  const session = await t.db.session.create({
    data: { userId: user.id, expiresAt: new Date(Date.now() + 30 * 86_400_000), ip: `198.51.100.${++ip % 250}`, userAgent: 'rotation-test' },
  });
  return session.id;
}

async function viewerOf(sessionId: string, now?: Date): Promise<Viewer> {
  const viewer = await loadViewer(t.db, sessionId, now);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

async function emailedCode(viewer: Viewer): Promise<string> {
  await sendEmailPasscode(t.db, viewer, { ip: null });
  const email = await t.db.outboxEmail.findFirstOrThrow({ where: { to: viewer.email, template: 'email-passcode' }, orderBy: { createdAt: 'desc' } });
  return (email.payload as { code: string }).code;
}

describe('the session id is renewed when the second factor succeeds', () => {
  it('emailed passcode: the captured pre-verification id opens nothing; the new one is verified and carries the session over', async () => {
    const captured = await signIn(CASEY);
    const pending = await viewerOf(captured);
    expect(pending.verification).toBe('NEEDS_2SV');
    expect(can(pending, 'jira.use')).toBe(false);
    const before = await t.db.session.findUniqueOrThrow({ where: { id: captured } });

    const { sessionId } = await verifyEmailPasscode(t.db, pending, await emailedCode(pending), { ip: null, audit: auditOf(pending) });

    expect(sessionId).not.toBe(captured);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(await loadViewer(t.db, captured)).toBeNull();
    expect(await t.db.session.findUnique({ where: { id: captured } })).toBeNull();
    const verified = await viewerOf(sessionId);
    expect(verified).toMatchObject({ verification: 'OK', userId: pending.userId });
    expect(can(verified, 'jira.use')).toBe(true);
    const after = await t.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(after).toMatchObject({
      userId: before.userId,
      createdAt: before.createdAt,
      expiresAt: before.expiresAt,
      verifiedAt: before.verifiedAt,
      ip: before.ip,
      userAgent: 'rotation-test',
      revokedAt: null,
      rotatedFromId: captured,
    });
    expect(after.secondFactorAt).not.toBeNull();
    expect(after.rotatedAt).toEqual(after.secondFactorAt);
  });

  it('authenticator code and recovery code: the same, and a second try with the old id is refused as signed out', async () => {
    const lee = await t.db.user.findUniqueOrThrow({ where: { email: LEE } });
    const secret = generateTotpSecret();
    await t.db.authenticatorSecret.create({ data: { userId: lee.id, secret: seal(secret, lee.id), confirmedAt: new Date() } });
    try {
      const captured = await signIn(LEE);
      const pending = await viewerOf(captured);
      expect(pending).toMatchObject({ verification: 'NEEDS_2SV', secondFactor: 'TOTP' });
      const { sessionId } = await passAuthenticatorStep(t.db, pending, { kind: 'totp', code: totp(secret, new Date()) }, { ip: null, audit: auditOf(pending) });
      expect(await loadViewer(t.db, captured)).toBeNull();
      expect((await viewerOf(sessionId)).verification).toBe('OK');
      // The stale Viewer of the old id can't rotate again (its row is gone).
      const next = new Date(Date.now() + 30_000);
      expect(await refusal(passAuthenticatorStep(t.db, pending, { kind: 'totp', code: totp(secret, next) }, { ip: null, audit: auditOf(pending) }, next))).toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      expect(await t.db.session.count({ where: { rotatedFromId: captured } })).toBe(1);

      const { hashes, codes } = await newRecoveryCodes();
      await storeRecoveryCodes(t.db, lee.id, hashes);
      const other = await signIn(LEE);
      const recovered = await passAuthenticatorStep(t.db, await viewerOf(other), { kind: 'recovery', code: codes[0] }, { ip: null, audit: auditOf(pending) });
      expect(recovered).toMatchObject({ recoveryCodesLeft: 9 });
      expect(await loadViewer(t.db, other)).toBeNull();
      expect((await viewerOf(recovered.sessionId)).verification).toBe('OK');
    } finally {
      await t.db.authenticatorSecret.deleteMany({ where: { userId: lee.id } });
      await t.db.recoveryCode.deleteMany({ where: { userId: lee.id } });
    }
  });

  it('periodic re-verification: the password step renews the id, and so does the second factor after it', async () => {
    await t.db.externalUserPolicy.updateMany({ data: { sessionMaxMinutes: 60 } });
    const first = await signIn(CASEY);
    const pending = await viewerOf(first);
    const { sessionId: verified } = await verifyEmailPasscode(t.db, pending, await emailedCode(pending), { ip: null, audit: auditOf(pending) });
    const later = new Date(Date.now() + 61 * 60_000);
    const expired = await viewerOf(verified, later);
    expect(expired.verification).toBe('NEEDS_REAUTH');
    const { sessionId: afterPassword } = await reverifyPassword(t.db, expired, DEMO_PASSWORD, { ip: null, audit: auditOf(expired) }, later);
    expect(afterPassword).not.toBe(verified);
    expect(await loadViewer(t.db, verified, later)).toBeNull();
    expect((await viewerOf(afterPassword, later)).verification).toBe('NEEDS_2SV');
    expect(await t.db.session.findUniqueOrThrow({ where: { id: afterPassword } })).toMatchObject({ verifiedAt: later, secondFactorAt: null, rotatedFromId: verified });
  });
});

describe('the rotation is atomic', () => {
  it('a transaction that fails after rotating leaves the old session as it was, and no new one', async () => {
    const sid = await signIn(CASEY);
    const before = await t.db.session.findUniqueOrThrow({ where: { id: sid } });
    await expect(
      t.db.$transaction(async (tx) => {
        await rotateSession(tx, sid, { secondFactorAt: new Date() });
        throw new Error('the audit write failed');
      }),
    ).rejects.toThrow('the audit write failed');
    expect(await t.db.session.findUniqueOrThrow({ where: { id: sid } })).toEqual(before);
    expect(await t.db.session.count({ where: { rotatedFromId: sid } })).toBe(0);
    expect((await viewerOf(sid)).verification).toBe('NEEDS_2SV');
  });

  it('a session signed out (revoked) before the step is not rotated, and the passcode stays unspent', async () => {
    const sid = await signIn(CASEY);
    const pending = await viewerOf(sid);
    const code = await emailedCode(pending);
    await revokeSession(t.db, sid);
    expect(await refusal(verifyEmailPasscode(t.db, pending, code, { ip: null, audit: auditOf(pending) }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await t.db.session.count({ where: { rotatedFromId: sid } })).toBe(0);
    expect(await t.db.emailPasscode.count({ where: { userId: pending.userId, usedAt: null, expiresAt: { gt: new Date() } } })).toBe(1);
  });

  it('concurrent rotations of one session: exactly one wins, and readers always see exactly one of old and new', async () => {
    for (let round = 0; round < 5; round++) {
      const sid = await signIn(CASEY);
      let reading = true;
      const seen: number[] = [];
      const reader = (async () => {
        while (reading) seen.push(await t.db.session.count({ where: { OR: [{ id: sid }, { rotatedFromId: sid }], revokedAt: null } }));
      })();
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => t.db.$transaction((tx) => rotateSession(tx, sid, { secondFactorAt: new Date() }))),
      );
      reading = false;
      await reader;
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([1]));
      const successor = (won[0] as PromiseFulfilledResult<string>).value;
      expect(await t.db.session.findMany({ where: { OR: [{ id: sid }, { rotatedFromId: sid }] }, select: { id: true } })).toEqual([{ id: successor }]);
    }
  });
});

describe('the cookie switches only to the session rotated from its own (the jwt callback’s check)', () => {
  it('accepts the successor of the token’s session, for the same person, moments after the rotation', async () => {
    const sid = await signIn(CASEY);
    const pending = await viewerOf(sid);
    const { sessionId } = await verifyEmailPasscode(t.db, pending, await emailedCode(pending), { ip: null, audit: auditOf(pending) });
    const token = { sub: pending.userId, sid };
    expect(await rotatedSuccessor(t.db, token, sessionId)).toBe(sessionId);
    // Later than the adoption window: no.
    expect(await rotatedSuccessor(t.db, token, sessionId, new Date(Date.now() + (ROTATION_ADOPT_SECONDS + 5) * 1000))).toBeNull();
    // Another person's token, another session's token, no session id or a made-up one: no.
    const lee = await viewerOf(await signIn(LEE));
    expect(await rotatedSuccessor(t.db, { sub: lee.userId, sid }, sessionId)).toBeNull();
    expect(await rotatedSuccessor(t.db, { sub: pending.userId, sid: await signIn(CASEY) }, sessionId)).toBeNull();
    expect(await rotatedSuccessor(t.db, token, undefined)).toBeNull();
    expect(await rotatedSuccessor(t.db, token, 'made-up')).toBeNull();
    expect(await rotatedSuccessor(t.db, token, { id: sessionId })).toBeNull();
    // A session that is not a rotation of anything (a fresh sign-in of the same person): no.
    expect(await rotatedSuccessor(t.db, token, await signIn(CASEY))).toBeNull();
    // Revoked since (signed out in another tab): no.
    await revokeSession(t.db, sessionId);
    expect(await rotatedSuccessor(t.db, token, sessionId)).toBeNull();
  });
});
