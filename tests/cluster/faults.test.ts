// Faults in a scaled deployment (two production servers, one worker, one PostgreSQL): the mail
// server down for a while, the worker killed with SIGKILL in the middle of a send, PostgreSQL
// restarted while the servers serve. Counts faults injected and emails lost for the summary line.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { UNAVAILABLE_MESSAGE } from '../../lib/db/unavailable';
import { writeFigures } from '../support/figures';
import { Cluster, pollUntil } from './harness';
import { call, inviteGuests, makeCredentials, type Credentials } from './fixtures';

const ALANA = 'alana.admin@acme.com';
const CASEY = 'casey.jones@brightagency.io';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The admin action must answer this fast even with the mail server down. */
const FAST_MS = 2_000;

const cluster = new Cluster('faults');
let creds: Credentials;
let browser: Browser;
const figures = { faults: 0, emailsLost: 0 };

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const inviteStatus = (json: unknown, n = 0) =>
  (json as { data?: { results: { roleAssignmentResult: { status: string }[] }[] }[] }).data?.[n]?.results[0].roleAssignmentResult[0].status;

async function signIn(page: Page, server: string, email: string) {
  await page.goto(`${server}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('portico-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Waits until every address's invitation is SENT and no outbox row of theirs is still pending,
 * then checks the mail server got exactly one email per address, carrying the invitation's
 * current link. Returns how many addresses got no email (lost).
 */
async function expectOneWorkingEmailEach(emails: string[]): Promise<number> {
  await pollUntil('every invitation sent', async () => {
    const unsent = await cluster.db.invitation.count({ where: { email: { in: emails }, deliveryState: { not: 'SENT' } } });
    const pending = await cluster.db.outboxEmail.count({ where: { to: { in: emails }, state: 'PENDING' } });
    return unsent === 0 && pending === 0;
  }, { timeoutMs: 90_000, intervalMs: 250 });
  let lost = 0;
  for (const email of emails) {
    const received = cluster.sink.to(email);
    if (received.length === 0) lost++;
    const invitation = await cluster.db.invitation.findFirstOrThrow({ where: { email } });
    const link = received[0]?.links.find((href) => /\/invite\/[A-Za-z0-9_-]{43}$/.test(href)) ?? '';
    expect({ email, emails: received.length, linkWorks: sha256(link.slice(link.lastIndexOf('/') + 1)) === invitation.tokenHash }).toEqual({ email, emails: 1, linkWorks: true });
  }
  return lost;
}

beforeAll(async () => {
  await cluster.start();
  await cluster.db.organization.updateMany({ data: { guestsPerLicensedUser: 100 } });
  creds = await makeCredentials(cluster.db, [CASEY]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await cluster.stop();
  writeFigures('faults', figures);
}, 60_000);

describe('faults in a scaled deployment', () => {
  it('SMTP down for a while: invitations answer fast and are saved, the admin sees "failed, retrying" and can resend, every email arrives once SMTP is back', async () => {
    // As many as the worker sends at once (2): with retries this short, more would queue behind them.
    const emails = Array.from({ length: 2 }, (_, i) => `outage-${i}@smtp-outage${i}.example`);
    // The first call of a route on a fresh server loads its code: not what is measured here.
    for (const [i, server] of cluster.servers.entries()) expect((await inviteGuests(server.url, creds, [`warm-up-${i}@smtp-outage.example`])).status).toBe(200);
    await cluster.sink.stop();
    figures.faults++;
    try {
      for (const [i, email] of emails.entries()) {
        const reply = await inviteGuests(cluster.servers[i % 2].url, creds, [email]);
        expect({ status: reply.status, result: inviteStatus(reply.json) }).toEqual({ status: 200, result: 'INVITED' });
        expect(reply.ms).toBeLessThan(FAST_MS);
      }
      expect(await cluster.db.invitation.count({ where: { email: { in: emails }, state: 'PENDING' } })).toBe(emails.length);

      // The worker tries, fails, and records it on each invitation; it keeps retrying.
      await pollUntil('every invitation marked failed, retrying', async () => {
        const rows = await cluster.db.invitation.findMany({ where: { email: { in: emails } }, select: { deliveryState: true, deliveryError: true } });
        return rows.every((row) => row.deliveryState === 'FAILED' && row.deliveryError?.startsWith('failed, retrying: '));
      });
      await pollUntil('emails retried', async () => (await cluster.db.outboxEmail.count({ where: { to: { in: emails }, attempts: { gte: 2 } } })) >= 1);

      // What the admin sees on server A, and Resend invite there.
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await signIn(page, cluster.a.url, ALANA);
        const invitation = await cluster.db.invitation.findFirstOrThrow({ where: { email: emails[0] } });
        await page.goto(`${cluster.a.url}/admin/invitations/${invitation.id}`);
        await expect.poll(() => page.getByText(/^failed, retrying: /).isVisible()).toBe(true);
        await page.getByRole('button', { name: 'Resend invite' }).click();
        const started = performance.now();
        await page.getByRole('dialog').getByRole('button', { name: 'Resend invite' }).click();
        await page.getByText('Invitation sent again with a new link.').waitFor();
        expect(performance.now() - started).toBeLessThan(FAST_MS);
        const resent = await cluster.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
        expect(resent.tokenHash).not.toBe(invitation.tokenHash);
      } finally {
        await context.close();
      }
      expect(emails.flatMap((email) => cluster.sink.to(email))).toEqual([]);
    } finally {
      await cluster.sink.start();
    }
    // SMTP is back: every invitation gets exactly one email, with its current (resent) link.
    figures.emailsLost += await expectOneWorkingEmailEach(emails);
  }, 120_000);

  it('the worker killed with SIGKILL in the middle of a send: the send is retried by a new worker, no invitation is left without its email', async () => {
    const emails = Array.from({ length: 3 }, (_, i) => `killed-${i}@worker-kill${i}.example`);
    cluster.sink.hold();
    const reply = await inviteGuests(cluster.a.url, creds, emails);
    expect(reply.status).toBe(200);
    // The mail server has the message but has not answered: the send is in flight.
    await pollUntil('a send in flight', async () => cluster.sink.held.length >= 1);
    await cluster.killWorker();
    figures.faults++;
    await pollUntil('the killed worker’s connections closed', async () => cluster.sink.held.every((held) => cluster.sink.clientGone(held.sessionId)));
    const inFlight = cluster.sink.held.length;
    await cluster.sink.releaseAll();
    expect(cluster.sink.dropped).toBe(inFlight);
    expect(emails.flatMap((email) => cluster.sink.to(email))).toEqual([]);
    expect(await cluster.db.invitation.count({ where: { email: { in: emails }, deliveryState: 'SENT' } })).toBe(0);

    await cluster.startWorker();
    figures.emailsLost += await expectOneWorkingEmailEach(emails);
  }, 120_000);

  it('PostgreSQL restarted while the servers serve: 503 "temporarily unavailable" during the outage, no partial writes, the same processes serve normally afterwards', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const actionPage = await context.newPage();
    const myself = () => call('GET', `${cluster.b.url}/rest/api/3/myself`, creds.basic[CASEY]);
    const outageEmail = 'during-outage@pg-restart.example';
    try {
      await signIn(page, cluster.b.url, ALANA);
      const pending = await cluster.db.invitation.findFirstOrThrow({ where: { email: 'taylor.morgan@clientco.com', state: 'PENDING' } });
      await actionPage.goto(`${cluster.b.url}/admin/invitations/${pending.id}`);
      await actionPage.getByRole('button', { name: 'Resend invite' }).click();
      expect((await myself()).status).toBe(200);
      const auditBefore = await cluster.db.auditEvent.count();
      const pids = cluster.servers.map((server) => server.process.pid);

      // Invitations in flight on both servers when PostgreSQL stops (right after the first answer).
      const inFlight = Array.from({ length: 8 }, (_, i) => `in-flight-${i}@pg-restart${i}.example`);
      const inFlightReplies = inFlight.map((email, i) => inviteGuests(cluster.servers[i % 2].url, creds, [email]));
      await Promise.race(inFlightReplies);
      await cluster.stopPostgres();
      figures.faults++;
      try {
        // A page (server A): the request that finds the database gone gets the error screen (500,
        // or 503 when its pool already saw the connections drop), every later one the 503 page.
        const first = await page.goto(`${cluster.a.url}/admin/users`);
        await expect.poll(() => page.getByText(UNAVAILABLE_MESSAGE).isVisible()).toBe(true);
        expect([500, 503]).toContain(first?.status());
        const again = await page.goto(`${cluster.a.url}/admin/users`);
        expect({ status: again?.status(), retryAfter: again?.headers()['retry-after'] }).toEqual({ status: 503, retryAfter: '5' });
        await expect.poll(() => page.getByText(UNAVAILABLE_MESSAGE).isVisible()).toBe(true);
        // The REST API (server B) and the org admin API (server A).
        const rest = await myself();
        expect({ status: rest.status, json: rest.json }).toEqual({ status: 503, json: { errorMessages: [UNAVAILABLE_MESSAGE], errors: {} } });
        const invite = await inviteGuests(cluster.a.url, creds, [outageEmail]);
        expect(invite.status).toBe(503);
        expect(JSON.stringify(invite.json)).toContain(UNAVAILABLE_MESSAGE);
        // A server action (server B): the dialog says so, and nothing changed.
        await actionPage.getByRole('dialog').getByRole('button', { name: 'Resend invite' }).click();
        await expect.poll(() => actionPage.getByRole('dialog').getByRole('alert').textContent()).toBe(UNAVAILABLE_MESSAGE);
      } finally {
        await cluster.startPostgres();
      }
      // Same processes, no restart: they serve normally again.
      await pollUntil('server B serving the REST API again', async () => (await myself()).status === 200, { timeoutMs: 30_000, intervalMs: 250 });
      expect(cluster.servers.map((server) => server.process.pid)).toEqual(pids);
      expect(cluster.servers.map((server) => cluster.serverAlive(server))).toEqual([true, true]);
      // Each server re-checks the database at most once a second while it knows it was away.
      await pollUntil('server A serving pages again', async () => (await page.goto(`${cluster.a.url}/admin/users`))?.status() === 200, { timeoutMs: 30_000, intervalMs: 250 });
      await page.getByRole('heading', { name: 'Users' }).first().waitFor();
      // Nothing from the refused requests was written.
      expect(await cluster.db.invitation.count({ where: { email: outageEmail } })).toBe(0);
      expect(await cluster.db.outboxEmail.count({ where: { to: outageEmail } })).toBe(0);
      // The in-flight ones: each answered 200 (and then saved whole) or 503, never a 500; each is
      // all there (invitation, its email, its audit event) or not at all.
      const settled = await Promise.all(inFlightReplies);
      const outcomes = await Promise.all(
        inFlight.map(async (email, i) => {
          const invitations = await cluster.db.invitation.findMany({ where: { email }, select: { id: true } });
          const outbox = await cluster.db.outboxEmail.count({ where: { to: email } });
          const audit = await cluster.db.auditEvent.count({ where: { action: 'invitation.created', targetId: { in: invitations.map((row) => row.id) } } });
          return { email, status: settled[i].status, saved: invitations.length, outbox, audit };
        }),
      );
      for (const outcome of outcomes) {
        expect([200, 503]).toContain(outcome.status);
        expect({ ...outcome, outbox: outcome.saved, audit: outcome.saved, ...(outcome.status === 200 ? { saved: 1 } : {}) }).toEqual(outcome);
      }
      const saved = outcomes.filter((outcome) => outcome.saved === 1).length;
      console.log(`[faults] PostgreSQL stopped with ${inFlight.length} invitations in flight: ${saved} saved whole, ${inFlight.length - saved} refused with 503, none partial`);
      expect(await cluster.db.auditEvent.count()).toBe(auditBefore + saved);
      expect((await cluster.db.invitation.findUniqueOrThrow({ where: { id: pending.id } })).tokenHash).toBe(pending.tokenHash);
      // And the worker came through too: an invitation now is emailed.
      const after = 'after-outage@pg-restart.example';
      expect((await inviteGuests(cluster.b.url, creds, [after])).status).toBe(200);
      figures.emailsLost += await expectOneWorkingEmailEach([after]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
