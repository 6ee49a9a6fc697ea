// Security → External users, end to end on a real database: policy changes apply on the very next
// request (pages, actions and the REST API all load the Viewer through lib/access/viewer.ts),
// review before saving, reset sessions, session expiration and idle timeout (with injected clocks),
// the emailed one-time passcode through the real SMTP sink, and internal users left alone.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_PASSWORD } from '@/prisma/seed';
import { loadViewer } from '@/lib/access/viewer';
import { can, homePath, isVerified, type Viewer } from '@/lib/access/policy';
import { createApiToken } from '@/lib/api-tokens';
import { authenticateRestRequest } from '@/lib/rest/auth';
import { getExternalPolicy, resetExternalSessions, reviewPolicyChange, updateExternalPolicy, externalUsersCsv, type PolicyInput } from '@/lib/security/policy';
import { sendEmailPasscode, verifyEmailPasscode, PASSCODE_MAX_ATTEMPTS } from '@/lib/security/email-passcode';
import { reverifyPassword } from '@/lib/security/second-factor';
import { listMailbox, readMailboxMessage, startDevSmtpSink } from '@/lib/mail/dev-sink';
import { startMailWorker, REDACTED_TOKEN } from '@/lib/mail/worker';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf } from '../support/viewers';
import { refusal } from '../support/refusal';

const CASEY = 'casey.jones@brightagency.io'; // external guest of MKT
const JORDAN = 'jordan.blake@northwind-consulting.com'; // external guest, no space
const LEE = 'lee.chen@acme.com'; // internal licensed user
const ALANA = 'alana.admin@acme.com'; // site admin

let t: TestDatabase;
let admin: Viewer;
let ipCounter = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  admin = await viewerOf(await signIn(ALANA));
});
afterAll(() => t.drop());

// Each test starts from the seeded policy (None, 30 days, no idle timeout, tokens allowed).
beforeEach(async () => {
  await t.db.externalUserPolicy.updateMany({ data: { twoStepMethod: 'NONE', sessionMaxMinutes: 43200, idleTimeoutMinutes: null, apiTokensAllowed: true, sessionsResetAt: null } });
});

/**
 * A new session as a password sign-in opens one at `now` (lib/auth/sessions.ts, tested in
 * sessions.test.ts), written directly so the sign-in throttle doesn't count the many sign-ins here.
 */
async function signIn(email: string, now = new Date()) {
  const user = await t.db.user.findUniqueOrThrow({ where: { email } });
  const session = await t.db.session.create({
    data: { userId: user.id, createdAt: now, verifiedAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 30 * 86_400_000), ip: `198.51.100.${++ipCounter % 250}` },
  });
  return session.id;
}

async function viewerOf(sessionId: string, now?: Date): Promise<Viewer> {
  const viewer = await loadViewer(t.db, sessionId, now);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

async function setPolicy(input: PolicyInput) {
  const { version } = await getExternalPolicy(t.db, admin);
  return updateExternalPolicy(t.db, admin, { ...input, version }, auditOf(admin));
}

const BASE: PolicyInput = { twoStepMethod: 'NONE', sessionMaxMinutes: 43200, idleTimeoutMinutes: 'OFF', apiTokens: 'ALLOW' };

const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

describe('policy changes apply on the very next request', () => {
  it('turning on the emailed passcode locks an already signed-in external user out of everything but /verify; internal users carry on', async () => {
    const casey = await signIn(CASEY);
    const lee = await signIn(LEE);
    expect(can(await viewerOf(casey), 'jira.use')).toBe(true);

    expect((await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' })).changed).toBe(true);

    const next = await viewerOf(casey);
    expect(next).toMatchObject({ verification: 'NEEDS_2SV', secondFactor: 'EMAIL_OTP', external: true });
    expect(isVerified(next)).toBe(false);
    expect(can(next, 'jira.use')).toBe(false);
    expect(homePath(next)).toBe('/verify');
    const internal = await viewerOf(lee);
    expect(internal.verification).toBe('OK');
    expect(can(internal, 'jira.use')).toBe(true);

    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'security.policy.changed' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ actorId: admin.userId, before: { twoStepMethod: 'NONE' }, after: { twoStepMethod: 'EMAIL_OTP' } });

    // Back to None: the same session works again at once.
    await setPolicy(BASE);
    expect((await viewerOf(casey)).verification).toBe('OK');
  });

  it('"Authenticator app required" sends external users without one to enrollment', async () => {
    const jordan = await signIn(JORDAN);
    await setPolicy({ ...BASE, twoStepMethod: 'TOTP' });
    expect(await viewerOf(jordan)).toMatchObject({ verification: 'NEEDS_ENROLLMENT', secondFactor: 'TOTP' });
  });

  it('a save reviewed against an older version of the policy is refused; only site admins may change it', async () => {
    const { version } = await getExternalPolicy(t.db, admin);
    await setPolicy({ ...BASE, sessionMaxMinutes: 60 });
    expect(await refusal(updateExternalPolicy(t.db, admin, { ...BASE, version }, auditOf(admin)))).toMatchObject({ code: 'CONFLICT' });
    const lee = await viewerOf(await signIn(LEE));
    await expect(getExternalPolicy(t.db, lee)).rejects.toThrow("You don't have access");
    expect(await refusal(updateExternalPolicy(t.db, admin, { ...BASE, sessionMaxMinutes: 5, version: (await getExternalPolicy(t.db, admin)).version }, auditOf(admin)))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Choose between 15 minutes and 30 days.',
    });
  });
});

describe('review external users before saving', () => {
  it('names the external users a change affects, with counts of enrollments and API tokens that stop', async () => {
    const caseyViewer = await viewerOf(await signIn(CASEY));
    await createApiToken(t.db, caseyViewer, { name: 'Sync script' }, auditOf(caseyViewer));

    const review = await reviewPolicyChange(t.db, admin, { ...BASE, twoStepMethod: 'TOTP', apiTokens: 'BLOCK' });
    expect(review.changes).toEqual([
      { setting: 'Two-step verification', before: 'None', after: 'Authenticator app required' },
      { setting: 'API token access', before: 'Allow', after: 'Block' },
    ]);
    expect(review.counts).toMatchObject({ mustEnroll: 2, tokensStop: 1 });
    expect(review.summary).toContain('2 external users will have to set up two-step verification at their next sign-in');
    expect(review.summary).toContain('1 API token will stop working');
    expect(review.affected.map((u) => u.email).sort()).toEqual([CASEY, JORDAN]);
    const casey = review.affected.find((u) => u.email === CASEY)!;
    expect(casey).toMatchObject({ name: 'Casey Jones', space: 'Marketing (MKT)', twoStep: 'NONE', apiTokensInUse: 1 });
    expect(casey.effects).toContain('Must set up an authenticator app at their next sign-in');
    expect(review.affected.some((u) => u.email === LEE)).toBe(false);

    // Nothing was saved by the review.
    expect((await getExternalPolicy(t.db, admin)).twoStepMethod).toBe('NONE');
    // A shorter session expiration: sessions older than it must verify again now.
    const shorter = await reviewPolicyChange(t.db, admin, { ...BASE, sessionMaxMinutes: 15 }, minutes(new Date(), 30));
    expect(shorter.counts.mustReverify).toBeGreaterThanOrEqual(1);
    expect(shorter.summary.some((s) => s.endsWith('will have to verify their identity again on their next request'))).toBe(true);
  });

  it('exports external users as formula-safe CSV', async () => {
    await t.db.user.update({ where: { email: JORDAN }, data: { name: '=HYPERLINK("http://evil")' } });
    try {
      const csv = await externalUsersCsv(t.db, admin);
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe('Name,Email,Account ID,Status,Space,Last active,Two-step verification,Last verified,API tokens in use');
      expect(csv).toContain(`"'=HYPERLINK(""http://evil"")",${JORDAN}`);
      expect(csv).toContain(`Casey Jones,${CASEY}`);
      expect(csv).not.toContain(LEE);
    } finally {
      await t.db.user.update({ where: { email: JORDAN }, data: { name: 'Jordan Blake' } });
    }
  });
});

describe('reset sessions, session expiration and idle timeout', () => {
  it('Reset sessions ends every external session now; internal sessions and new sign-ins work', async () => {
    const casey = await signIn(CASEY);
    const lee = await signIn(LEE);
    const { sessionsEnded } = await resetExternalSessions(t.db, admin, auditOf(admin));
    expect(sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await loadViewer(t.db, casey)).toBeNull();
    expect((await viewerOf(lee)).verification).toBe('OK');
    // Even a session row that was not revoked dies when it started before the reset.
    const old = await t.db.session.create({ data: { userId: (await viewerOf(lee)).userId, expiresAt: minutes(new Date(), 60) } });
    expect(await loadViewer(t.db, old.id)).not.toBeNull();
    const caseyUser = await t.db.user.findUniqueOrThrow({ where: { email: CASEY } });
    const stale = await t.db.session.create({ data: { userId: caseyUser.id, createdAt: minutes(new Date(), -5), expiresAt: minutes(new Date(), 60) } });
    expect(await loadViewer(t.db, stale.id)).toBeNull();
    expect((await viewerOf(await signIn(CASEY))).verification).toBe('OK');
    expect(await t.db.auditEvent.count({ where: { action: 'security.sessions.reset', actorId: admin.userId } })).toBe(1);
  });

  it('session expiration: past it, the password again (then the second factor); before it, nothing', async () => {
    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: 60 });
    const t0 = new Date();
    const signedIn = await signIn(CASEY, t0);
    // Pass the emailed passcode (the code is read from the outbox row the worker would send).
    const code = await sendAndReadCode(await viewerOf(signedIn, t0), t0);
    // Every step that raises the session's verification renews its id; the old one opens nothing.
    let { sessionId: sid } = await verifyEmailPasscode(t.db, await viewerOf(signedIn, t0), code, { audit: auditOf(admin) }, t0);
    expect(await loadViewer(t.db, signedIn, t0)).toBeNull();
    expect((await viewerOf(sid, minutes(t0, 59))).verification).toBe('OK');

    const expired = await viewerOf(sid, minutes(t0, 61));
    expect(expired.verification).toBe('NEEDS_REAUTH');
    expect(homePath(expired)).toBe('/verify');
    expect(await refusal(reverifyPassword(t.db, expired, 'wrong-password', { audit: auditOf(expired) }, minutes(t0, 61)))).toMatchObject({ code: 'INVALID_INPUT', message: 'Incorrect password.' });
    const beforePassword = sid;
    ({ sessionId: sid } = await reverifyPassword(t.db, expired, DEMO_PASSWORD, { audit: auditOf(expired) }, minutes(t0, 61)));
    expect(await loadViewer(t.db, beforePassword, minutes(t0, 62))).toBeNull();
    // Password done; the second factor is asked again.
    const afterPassword = await viewerOf(sid, minutes(t0, 62));
    expect(afterPassword).toMatchObject({ verification: 'NEEDS_2SV', secondFactor: 'EMAIL_OTP' });
    const again = await sendAndReadCode(afterPassword, minutes(t0, 62));
    ({ sessionId: sid } = await verifyEmailPasscode(t.db, afterPassword, again, { audit: auditOf(admin) }, minutes(t0, 62)));
    expect(await loadViewer(t.db, afterPassword.sessionId, minutes(t0, 63))).toBeNull();
    expect((await viewerOf(sid, minutes(t0, 63))).verification).toBe('OK');
    // Not at NEEDS_REAUTH: the password step refuses.
    expect(await refusal(reverifyPassword(t.db, await viewerOf(sid, minutes(t0, 63)), DEMO_PASSWORD, { audit: auditOf(admin) }, minutes(t0, 63)))).toMatchObject({ code: 'REFUSED' });
  });

  it('idle timeout: activity keeps the session, idleness beyond the limit needs the password, and stays so until then', async () => {
    await setPolicy({ ...BASE, idleTimeoutMinutes: 15 });
    const t0 = new Date();
    const sid = await signIn(CASEY, t0);
    expect((await viewerOf(sid, minutes(t0, 10))).verification).toBe('OK'); // records activity at +10
    expect((await viewerOf(sid, minutes(t0, 24))).verification).toBe('OK'); // 14 min idle
    expect((await viewerOf(sid, minutes(t0, 40))).verification).toBe('NEEDS_REAUTH'); // 16 min idle
    expect((await viewerOf(sid, minutes(t0, 41))).verification).toBe('NEEDS_REAUTH'); // a pending request is no activity
    const { sessionId } = await reverifyPassword(t.db, await viewerOf(sid, minutes(t0, 41)), DEMO_PASSWORD, { audit: auditOf(admin) }, minutes(t0, 41));
    expect((await viewerOf(sessionId, minutes(t0, 42))).verification).toBe('OK');
    expect(await loadViewer(t.db, sid, minutes(t0, 42))).toBeNull();
  });

  it('internal users are unaffected by the strictest external policy', async () => {
    await setPolicy({ twoStepMethod: 'TOTP', sessionMaxMinutes: 15, idleTimeoutMinutes: 15, apiTokens: 'BLOCK' });
    await resetExternalSessions(t.db, admin, auditOf(admin));
    const t0 = new Date();
    const sid = await signIn(LEE, t0);
    const later = await viewerOf(sid, minutes(t0, 600));
    expect(later.verification).toBe('OK');
    expect(can(later, 'jira.use')).toBe(true);
  });
});

describe('the REST API (API tokens) under the policy', () => {
  async function call(email: string, token: string) {
    const request = new Request('http://localhost/rest/api/3/myself', {
      headers: { authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`, 'x-forwarded-for': `192.0.2.${++ipCounter % 250}` },
    });
    const result = await authenticateRestRequest(t.db, request);
    if (result.ok) return { status: 200, message: '' };
    const body = (await result.response.json()) as { errorMessages: string[] };
    return { status: result.response.status, message: body.errorMessages[0] };
  }

  it('an external owner who has not passed two-step verification in the browser gets a 403 saying so; after verifying, the token works', async () => {
    const casey = await viewerOf(await signIn(CASEY));
    const { token } = await createApiToken(t.db, casey, { name: 'CI' }, auditOf(casey));
    expect(await call(CASEY, token)).toEqual({ status: 200, message: '' });

    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' });
    // Earlier tests verified Casey in the browser; Reset sessions makes those verifications count no more.
    await resetExternalSessions(t.db, admin, auditOf(admin));
    const sid = await signIn(CASEY);
    expect(await call(CASEY, token)).toEqual({
      status: 403,
      message: 'Your organization requires two-step verification for external users. Log in to Portico in a browser and verify your identity; your API tokens work again after that.',
    });

    const pending = await viewerOf(sid);
    const now = new Date();
    await verifyEmailPasscode(t.db, pending, await sendAndReadCode(pending, now), { audit: auditOf(pending) }, now);
    expect(await call(CASEY, token)).toEqual({ status: 200, message: '' });

    await setPolicy({ ...BASE, twoStepMethod: 'TOTP' });
    expect((await call(CASEY, token)).message).toMatch(/^Your organization requires external users to use an authenticator app/);
  });
});

/** Sends a passcode and reads it back from the outbox row (as the worker would put it in the email). */
async function sendAndReadCode(viewer: Viewer, now: Date): Promise<string> {
  await sendEmailPasscode(t.db, viewer, { ip: null }, now);
  const row = await t.db.outboxEmail.findFirstOrThrow({ where: { to: viewer.email, template: 'email-passcode' }, orderBy: { createdAt: 'desc' } });
  return (row.payload as { code: string }).code;
}

describe('one-time passcode by email', () => {
  function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
  }

  it('goes through the outbox and SMTP, works once, and is stored only as a hash', async () => {
    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' });
    // Only this test's email goes out: earlier tests left seeded invitations and passcodes in the outbox.
    await t.db.outboxEmail.updateMany({ where: { state: 'PENDING' }, data: { state: 'FAILED', lastError: 'not sent by this test' } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-passcode-'));
    const sink = await startDevSmtpSink({ port: await freePort(), dir });
    const logs: string[] = [];
    const worker = await startMailWorker({ databaseUrl: t.url, smtpUrl: sink.url, appUrl: 'http://portico.test', log: (l) => logs.push(l), relayIntervalMs: 100, pollIntervalSeconds: 0.5 });
    try {
      const sid = await signIn(JORDAN);
      const viewer = await viewerOf(sid);
      const { sentTo } = await sendEmailPasscode(t.db, viewer, { ip: '192.0.2.200' });
      expect(sentTo).toBe('j••••••e@northwind-consulting.com');

      const deadline = Date.now() + 15_000;
      let message = null;
      while (!message && Date.now() < deadline) {
        const [summary] = await listMailbox(dir);
        if (summary) message = await readMailboxMessage(dir, summary.id);
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (!message) throw new Error(`no email arrived\n${logs.join('\n')}`);
      expect(message.envelopeTo).toBe(JORDAN);
      const code = /^(\d{6}) is your Portico verification code$/.exec(message.subject)?.[1];
      expect(code).toBeDefined();
      expect(message.text).toContain(code);
      expect(message.text).toContain('expires in 10 minutes');

      // Stored hashed; the outbox copy is redacted once sent.
      const stored = await t.db.emailPasscode.findFirstOrThrow({ where: { user: { email: JORDAN } }, orderBy: { createdAt: 'desc' } });
      expect(stored.codeHash).not.toContain(code!);
      expect(stored.codeHash).toMatch(/^[0-9a-f]{64}$/);
      const sent = await t.db.outboxEmail.findFirstOrThrow({ where: { to: JORDAN, template: 'email-passcode' }, orderBy: { createdAt: 'desc' } });
      expect(sent.state).toBe('SENT');
      expect((sent.payload as { code: string }).code).toBe(REDACTED_TOKEN);

      const { sessionId } = await verifyEmailPasscode(t.db, viewer, code!, { audit: auditOf(viewer) });
      expect((await viewerOf(sessionId)).verification).toBe('OK');
      expect(await loadViewer(t.db, sid)).toBeNull();
      expect(await t.db.auditEvent.count({ where: { action: 'security.2sv.verified', targetUserId: viewer.userId } })).toBeGreaterThanOrEqual(1);

      // Single use: another session can't reuse it.
      const other = await viewerOf(await signIn(JORDAN));
      expect(await refusal(verifyEmailPasscode(t.db, other, code!, { audit: auditOf(other) }))).toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      await worker.stop();
      await sink.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('expires after 10 minutes, only the newest works, and wrong tries are counted without locking the account', async () => {
    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' });
    const t0 = new Date(Date.now() + 3 * 3_600_000); // a rate-limit window of its own
    const viewer = await viewerOf(await signIn(CASEY));
    const first = await sendAndReadCode(viewer, t0);
    expect(await refusal(verifyEmailPasscode(t.db, viewer, first, { audit: auditOf(viewer) }, minutes(t0, 11)))).toMatchObject({
      message: 'Your passcode has expired or was replaced. Send a new code.',
    });

    const older = await sendAndReadCode(viewer, minutes(t0, 12));
    const newest = await sendAndReadCode(viewer, minutes(t0, 12.5));
    if (older !== newest) expect(await refusal(verifyEmailPasscode(t.db, viewer, older, { audit: auditOf(viewer) }, minutes(t0, 13)))).toMatchObject({ code: 'INVALID_INPUT' });
    const wrong = newest === '000000' ? '111111' : '000000';
    for (let i = 0; i < PASSCODE_MAX_ATTEMPTS - (older !== newest ? 1 : 0); i++) {
      expect(await refusal(verifyEmailPasscode(t.db, viewer, wrong, { audit: auditOf(viewer) }, minutes(t0, 13)))).toMatchObject({
        message: 'That code didn’t work. Check the email and try again.',
      });
    }
    // Out of tries for this code, even with the right one…
    expect(await refusal(verifyEmailPasscode(t.db, viewer, newest, { audit: auditOf(viewer) }, minutes(t0, 13)))).toMatchObject({ message: 'Too many wrong codes. Send a new code.' });
    // …but a new code works (in a new rate-limit window).
    const fresh = await sendAndReadCode(viewer, minutes(t0, 31));
    await verifyEmailPasscode(t.db, viewer, fresh, { audit: auditOf(viewer) }, minutes(t0, 31));
  });

  it('sending is limited per account (5 per 15 minutes) and refused to sessions that need no passcode', async () => {
    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' });
    const t0 = new Date(Date.now() + 6 * 3_600_000);
    const viewer = await viewerOf(await signIn(CASEY));
    for (let i = 0; i < 5; i++) await sendEmailPasscode(t.db, viewer, { ip: null }, t0);
    expect(await refusal(sendEmailPasscode(t.db, viewer, { ip: null }, t0))).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await sendEmailPasscode(t.db, viewer, { ip: null }, minutes(t0, 16))).sentTo).toContain('@brightagency.io');

    const lee = await viewerOf(await signIn(LEE));
    expect(await refusal(sendEmailPasscode(t.db, lee, { ip: null }, t0))).toMatchObject({ code: 'REFUSED' });
  });

  it('verification attempts are limited per account across codes (10 per 15 minutes)', async () => {
    await setPolicy({ ...BASE, twoStepMethod: 'EMAIL_OTP' });
    // The limit counts in fixed 15-minute windows: the attempts below (t0 to t0 + 2 min) must all
    // fall in one, so t0 is a window's first minute (it crossed a boundary when run at xx:43).
    const window = 15 * 60_000;
    const t0 = new Date(Math.floor((Date.now() + 9 * 3_600_000) / window) * window + 60_000);
    const viewer = await viewerOf(await signIn(JORDAN));
    for (let round = 0; round < 2; round++) {
      const code = await sendAndReadCode(viewer, minutes(t0, round));
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) await refusal(verifyEmailPasscode(t.db, viewer, wrong, { audit: auditOf(viewer) }, minutes(t0, round)));
    }
    const code = await sendAndReadCode(viewer, minutes(t0, 2));
    expect(await refusal(verifyEmailPasscode(t.db, viewer, code, { audit: auditOf(viewer) }, minutes(t0, 2)))).toMatchObject({ code: 'RATE_LIMITED' });
  });
});
