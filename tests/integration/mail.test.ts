// Email delivery end to end: outbox row → relay → pg-boss → nodemailer → a real SMTP server (the
// dev sink) → .eml on disk. Assertions read what actually went over SMTP.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { seedDemo } from '@/prisma/seed';
import { listMailbox, readMailboxMessage, readMailboxRaw, startDevSmtpSink, type DevSmtpSink } from '@/lib/mail/dev-sink';
import { REDACTED_TOKEN, jobIdForOutbox, startMailWorker, type MailWorker, type MailWorkerOptions } from '@/lib/mail/worker';
import { createTestDatabase, type TestDatabase } from '../support/database';

const APP_URL = 'http://portico.test:3000';
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

let t: TestDatabase;
let site: { id: string; jiraAppId: string; adminId: string };
const cleanups: (() => Promise<void>)[] = [];
const logs: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const acme = await t.db.site.findFirstOrThrow({ include: { apps: true } });
  const admin = await t.db.user.findUniqueOrThrow({ where: { email: 'alana.admin@acme.com' } });
  site = { id: acme.id, jiraAppId: acme.apps.find((app) => app.kind === 'JIRA')!.id, adminId: admin.id };
});
afterEach(async () => {
  // Workers before sinks: pooled SMTP connections close with the worker.
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => t.drop());

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

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${logs.slice(-5).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every <a href> in an HTML body with its visible label (tags and Outlook-only comments removed). */
function anchors(html: string): { href: string; label: string }[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map(([, href, inner]) => ({
    href: href.replace(/&amp;/g, '&'),
    label: inner.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '').trim(),
  }));
}

async function sink(port?: number): Promise<DevSmtpSink> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-mailbox-'));
  const started = await startDevSmtpSink({ port: port ?? (await freePort()), dir });
  cleanups.push(async () => {
    await started.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return started;
}

async function worker(smtpUrl: string, options: Partial<MailWorkerOptions> = {}): Promise<MailWorker> {
  const started = await startMailWorker({
    databaseUrl: t.url,
    smtpUrl,
    appUrl: APP_URL,
    log: (line) => logs.push(line),
    relayIntervalMs: 100,
    pollIntervalSeconds: 0.5,
    retry: { limit: 20, delaySeconds: 1, backoff: false },
    ...options,
  });
  cleanups.push(() => started.stop());
  return started;
}

/** What the invitation flow writes: the invitation and its outbox row, in one transaction. */
async function invite(email: string, options: { personalMessage?: string | null; state?: 'PENDING' | 'REVOKED' } = {}) {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  return t.db.$transaction(async (tx) => {
    const invitation = await tx.invitation.create({
      data: {
        siteId: site.id,
        appId: site.jiraAppId,
        email,
        openEmail: options.state === 'REVOKED' ? null : email,
        state: options.state ?? 'PENDING',
        role: 'GUEST',
        tokenHash: sha256(token),
        personalMessage: options.personalMessage ?? null,
        invitedById: site.adminId,
        expiresAt,
      },
    });
    const outbox = await tx.outboxEmail.create({
      data: {
        template: 'invitation',
        to: email,
        invitationId: invitation.id,
        payload: { token, inviterName: 'Alana Admin', siteName: 'Acme', role: 'GUEST', personalMessage: options.personalMessage ?? null, expiresAt: expiresAt.toISOString() },
      },
    });
    return { invitation, outbox, token };
  });
}

describe('email delivery', () => {
  it('delivers the seeded invitation over SMTP with the accept link, escaped message and expiry, then redacts the token', async () => {
    const seeded = await t.db.outboxEmail.findFirstOrThrow({ where: { template: 'invitation', state: 'PENDING' }, include: { invitation: true } });
    const rawToken = (seeded.payload as { token: string }).token;
    expect(sha256(rawToken)).toBe(seeded.invitation!.tokenHash);
    const message = 'Welcome aboard! <script>alert("pwned")</script> & <b>bold</b>\nSee you Monday.';
    await t.db.invitation.update({ where: { id: seeded.invitationId! }, data: { personalMessage: message } });

    const mailbox = await sink();
    await worker(mailbox.url);
    const [summary] = await waitFor('one message in the mailbox', async () => {
      const list = await listMailbox(mailbox.dir);
      return list.length ? list : null;
    });
    const mail = (await readMailboxMessage(mailbox.dir, summary.id))!;
    const raw = (await readMailboxRaw(mailbox.dir, summary.id))!;

    expect(mail.subject).toBe('Alana Admin invited you to join Acme');
    expect(mail.to).toBe('taylor.morgan@clientco.com');
    expect(mail.envelopeTo).toBe('taylor.morgan@clientco.com');
    expect(mail.from).toBe('Portico <no-reply@portico.local>');
    expect(raw).toMatch(new RegExp(`^Message-ID: <${seeded.id}@portico\\.local>\\r?$`, 'im'));

    // The button: an <a> labelled exactly "Accept invite", to APP_URL/invite/<token>.
    const buttons = anchors(mail.html!).filter((a) => a.label === 'Accept invite');
    expect(buttons).toHaveLength(1);
    const link = new URL(buttons[0].href);
    expect(`${link.origin}${path.posix.dirname(link.pathname)}`).toBe(`${APP_URL}/invite`);
    const token = path.posix.basename(link.pathname);
    expect(token).toBe(rawToken);
    expect(sha256(token)).toBe(seeded.invitation!.tokenHash);
    expect(mail.text).toContain(`${APP_URL}/invite/${rawToken}`);

    // Body from the Invitation row: inviter, site, role, the message quoted as the inviter's, expiry.
    expect(mail.text).toContain('Alana Admin has invited you to collaborate on Acme with the Guest role.');
    expect(mail.text).toContain('Alana Admin wrote:');
    expect(mail.text).toContain('<script>alert("pwned")</script> & <b>bold</b>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(mail.html).not.toMatch(/<script|<b>bold/i);
    const expiry = seeded.invitation!.expiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(mail.text).toContain(`This invitation expires on ${expiry}.`);

    const invitation = await waitFor('the invitation marked SENT', async () => {
      const row = await t.db.invitation.findUniqueOrThrow({ where: { id: seeded.invitationId! } });
      return row.deliveryState === 'SENT' ? row : null;
    });
    expect(invitation.sentAt).toBeInstanceOf(Date);
    expect(invitation.deliveryError).toBeNull();
    const outbox = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: seeded.id } });
    expect(outbox).toMatchObject({ state: 'SENT', attempts: 1, payload: { token: REDACTED_TOKEN } });
    expect(outbox.sentAt).toBeInstanceOf(Date);
    // The raw token is in no table any more: not the outbox, not pg-boss's jobs.
    const leftovers = await t.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT ((SELECT count(*) FROM "OutboxEmail" WHERE payload::text LIKE $1) + (SELECT count(*) FROM pgboss.job WHERE data::text LIKE $1))::int AS n`,
      `%${rawToken}%`,
    );
    expect(leftovers[0].n).toBe(0);
  });

  it('SMTP down: the invitation shows "failed, retrying", and it is delivered exactly once when the server is back', async () => {
    const { invitation, outbox, token } = await invite('riley.park@partner.io', { personalMessage: null });
    const port = await freePort(); // nothing listens here yet
    await worker(`smtp://localhost:${port}`);

    const failed = await waitFor('a failed attempt', async () => {
      const row = await t.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
      return row.deliveryState === 'FAILED' ? row : null;
    });
    expect(failed.deliveryError).toMatch(/^failed, retrying: .*ECONNREFUSED/);
    const pending = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: outbox.id } });
    expect(pending.state).toBe('PENDING');
    expect(pending.attempts).toBeGreaterThanOrEqual(1);
    expect(pending.lastError).toContain('ECONNREFUSED');

    const mailbox = await sink(port);
    const sent = await waitFor('the invitation marked SENT', async () => {
      const row = await t.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
      return row.deliveryState === 'SENT' ? row : null;
    });
    expect(sent.deliveryError).toBeNull();
    const after = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: outbox.id } });
    expect(after.state).toBe('SENT');
    expect(after.attempts).toBeGreaterThanOrEqual(pending.attempts + 1); // the failures plus the one that went through

    // Give a duplicate every chance to show up: more than one retry interval and relay pass.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const messages = await listMailbox(mailbox.dir);
    expect(messages.map((m) => [m.to, m.subject])).toEqual([['riley.park@partner.io', 'Alana Admin invited you to join Acme']]);
    expect((await readMailboxMessage(mailbox.dir, messages[0].id))!.text).toContain(`/invite/${token}`);
  });

  it('after the last retry the row stays FAILED and the token is redacted', async () => {
    const { invitation, outbox } = await invite('drew.quinn@partner.io');
    const port = await freePort();
    await worker(`smtp://localhost:${port}`, { retry: { limit: 1, delaySeconds: 0, backoff: false } });

    const failed = await waitFor('the outbox row given up', async () => {
      const row = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: outbox.id } });
      return row.state === 'FAILED' ? row : null;
    });
    expect(failed.attempts).toBe(2);
    expect(failed.payload).toMatchObject({ token: REDACTED_TOKEN });
    const row = await t.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.deliveryState).toBe('FAILED');
    expect(row.deliveryError).toMatch(/^failed: .*ECONNREFUSED/);
    // pg-boss's own record agrees: the job failed for good rather than completing.
    await waitFor('the job failed in pg-boss', async () => {
      const jobs = await t.db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM pgboss.job WHERE id = $1::uuid`, jobIdForOutbox(outbox.id));
      return jobs[0]?.state === 'failed';
    });
  });

  it('a recipient refused for good (5xx) is not retried', async () => {
    const { invitation, outbox } = await invite('nobody@partner.io');
    const refusing = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      closeTimeout: 500,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => refusing.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => refusing.close(() => resolve())));
    await worker(`smtp://localhost:${port}`);

    const failed = await waitFor('the outbox row given up', async () => {
      const row = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: outbox.id } });
      return row.state === 'FAILED' ? row : null;
    });
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain('No such user');
    expect((await t.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).deliveryError).toMatch(/^failed: .*No such user/);
  });

  it('several workers deliver each row exactly once, and a revoked invitation is not sent', async () => {
    const revoked = await invite('revoked.person@partner.io', { state: 'REVOKED' });
    const recipients = Array.from({ length: 12 }, (_, i) => `requester${i}@example.org`);
    await t.db.outboxEmail.createMany({
      data: recipients.map((to) => ({ template: 'access-request-approved', to, payload: { siteName: 'Acme', role: 'USER', approverName: 'Alana Admin' } })),
    });
    const mailbox = await sink();
    await Promise.all([worker(mailbox.url), worker(mailbox.url), worker(mailbox.url)]);

    await waitFor('every row handled', async () => (await t.db.outboxEmail.count({ where: { state: 'PENDING' } })) === 0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const messages = await listMailbox(mailbox.dir);
    expect(messages.map((m) => m.to).sort()).toEqual([...recipients].sort());
    expect(new Set(messages.map((m) => m.subject))).toEqual(new Set(['Your request to join Acme was approved']));
    const approved = (await readMailboxMessage(mailbox.dir, messages[0].id))!;
    expect(approved.text).toContain('You can now use Acme with the User role.');
    expect(approved.text).toContain(`${APP_URL}/`);

    const skipped = await t.db.outboxEmail.findUniqueOrThrow({ where: { id: revoked.outbox.id } });
    expect(skipped).toMatchObject({ state: 'FAILED', lastError: 'not sent: the invitation was revoked before delivery', payload: { token: REDACTED_TOKEN } });
  });
});
