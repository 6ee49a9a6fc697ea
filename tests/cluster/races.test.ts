// Several instances, one database: two production servers and one worker against one PostgreSQL,
// driven at the same instant from both servers. Each kind of race counts its rounds and its
// violations (a round whose outcome breaks the rule); the summary line of `npm test` shows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from '@playwright/test';
import { acceptInvitationWithNewAccount } from '../../lib/invitations/accept';
import { createApiToken } from '../../lib/api-tokens';
import { auditOf, viewerFor } from '../support/viewers';
import { writeFigures } from '../support/figures';
import { Cluster, pollUntil } from './harness';
import { call, inviteGuests, makeCredentials, type Credentials } from './fixtures';

const SAM = 'sam.rivera@acme.com'; // space admin of MKT
const PRIYA = 'priya.shah@acme.com'; // space admin of ENG
const JORDAN = 'jordan.blake@northwind-consulting.com'; // guest with no space
const CASEY = 'casey.jones@brightagency.io'; // guest in MKT
const GUEST_ROLE = 10005;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const INVITE_ROUNDS = 10;
const ACCEPT_ROUNDS = 3;
const SPACE_ROUNDS = 100;
const REMOVE_ROUNDS = 4;

const cluster = new Cluster('races');
let creds: Credentials;
let browser: Browser | null = null;
const figures = { kinds: 0, rounds: 0, violations: 0 };

function count(kind: string, rounds: number, violations: string[]) {
  figures.kinds++;
  figures.rounds += rounds;
  figures.violations += violations.length;
  if (violations.length) console.log(`[races] ${kind}: ${violations.length} violation(s)\n  ${violations.join('\n  ')}`);
}

/** The invitation link in the one email `address` got. */
async function invitationLink(address: string): Promise<string> {
  const message = await pollUntil(`the invitation email to ${address}`, async () => cluster.sink.to(address)[0]);
  const link = message.links.find((href) => /\/invite\/[A-Za-z0-9_-]{43}$/.test(href));
  if (!link) throw new Error(`no invitation link in the email to ${address}`);
  return link;
}

const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

beforeAll(async () => {
  await cluster.start();
  // Room for the guests these tests invite (the seed's Standard plan allows 5 per licensed user).
  await cluster.db.organization.updateMany({ data: { guestsPerLicensedUser: 100 } });
  creds = await makeCredentials(cluster.db, [SAM, PRIYA, CASEY]);
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await cluster.stop();
  writeFigures('races', figures);
}, 60_000);

describe('two servers, one worker, one PostgreSQL', () => {
  it('the same address invited from both servers at once: one invitation, one email', async () => {
    const violations: string[] = [];
    const emails = Array.from({ length: INVITE_ROUNDS }, (_, i) => `race-invite-${i}@partner${i}.example`);
    for (const email of emails) {
      const replies = await Promise.all([inviteGuests(cluster.a.url, creds, [email]), inviteGuests(cluster.b.url, creds, [email])]);
      const statuses = replies.map((r) => r.status);
      const outcomes = replies.map((r) => (r.json as { data?: { results: { roleAssignmentResult: { status: string }[] }[] }[] }).data?.[0]?.results[0].roleAssignmentResult[0].status);
      if (statuses.some((s) => s !== 200)) violations.push(`${email}: statuses ${statuses.join(', ')} ${JSON.stringify(replies.map((r) => r.json))}`);
      else if (outcomes.filter((o) => o === 'INVITED').length !== 1 || outcomes.filter((o) => o === 'SKIPPED').length !== 1) {
        violations.push(`${email}: outcomes ${outcomes.join(', ')} (want one INVITED, one SKIPPED)`);
      }
    }
    // Every email handed to the worker is sent (its outbox row SENT), then the mail server is read.
    await pollUntil('every invitation email sent', async () => {
      const pending = await cluster.db.outboxEmail.count({ where: { to: { in: emails }, state: { not: 'SENT' } } });
      return pending === 0 && (await cluster.db.outboxEmail.count({ where: { to: { in: emails } } })) >= emails.length;
    });
    for (const email of emails) {
      const invitations = await cluster.db.invitation.count({ where: { email } });
      const outbox = await cluster.db.outboxEmail.count({ where: { to: email } });
      const received = cluster.sink.to(email);
      if (invitations !== 1 || outbox !== 1 || received.length !== 1) {
        violations.push(`${email}: ${invitations} invitation(s), ${outbox} outbox email(s), ${received.length} email(s) received`);
      } else if (!/ invited you to join Acme$/.test(received[0].subject)) {
        violations.push(`${email}: unexpected subject ${JSON.stringify(received[0].subject)}`);
      }
    }
    count('invite', INVITE_ROUNDS, violations);
    expect(violations).toEqual([]);
  });

  it('the same invitation accepted from both servers at once (Chromium): one account, the other sees "already used"', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    const violations: string[] = [];
    for (let i = 0; i < ACCEPT_ROUNDS; i++) {
      const email = `race-accept-${i}@agency${i}.example`;
      expect((await inviteGuests(cluster.a.url, creds, [email])).status).toBe(200);
      const token = tokenOf(await invitationLink(email));
      const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
      try {
        const pages = await Promise.all(contexts.map((context) => context.newPage()));
        await Promise.all(
          pages.map(async (page, n) => {
            await page.goto(`${cluster.servers[n].url}/invite/${token}/create-account`);
            await page.getByLabel('Full name').fill(`Race Guest ${i}`);
            await page.getByLabel('Password').fill('a-long-enough-password');
          }),
        );
        // Both "Create account" clicks at the same instant, one per server.
        await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Create account' }).click()));
        const outcomes = await Promise.all(
          pages.map(async (page) => {
            const welcomed = page.getByText("You haven't been added to a space yet");
            const refused = page.getByRole('alert').filter({ hasText: /\S/ });
            await welcomed.or(refused).first().waitFor({ timeout: 30_000 });
            return (await welcomed.isVisible()) ? 'WELCOMED' : ((await refused.textContent()) ?? '').trim();
          }),
        );
        const users = await cluster.db.user.findMany({ where: { email }, select: { id: true } });
        const siteUsers = await cluster.db.siteUser.count({ where: { user: { email } } });
        const roles = await cluster.db.appRole.count({ where: { user: { email } } });
        const invitation = await cluster.db.invitation.findFirstOrThrow({ where: { email } });
        const welcomed = outcomes.filter((o) => o === 'WELCOMED').length;
        const refusedAsUsed = outcomes.filter((o) => o === 'This invitation has already been used.').length;
        if (users.length !== 1 || siteUsers !== 1 || roles !== 1 || invitation.state !== 'ACCEPTED' || invitation.acceptedUserId !== users[0]?.id || welcomed !== 1 || refusedAsUsed !== 1) {
          violations.push(`${email}: ${users.length} account(s), ${siteUsers} site membership(s), ${roles} role(s), invitation ${invitation.state}; pages: ${JSON.stringify(outcomes)}`);
        }
      } finally {
        await Promise.all(contexts.map((context) => context.close()));
      }
    }
    count('accept', ACCEPT_ROUNDS, violations);
    expect(violations).toEqual([]);
  }, 180_000);

  it('one guest added to two spaces from both servers at once, 100 rounds: never two spaces', async () => {
    const violations: string[] = [];
    const jordan = await creds.accountId(JORDAN);
    const admins = [
      { email: SAM, space: 'MKT', name: 'Marketing' },
      { email: PRIYA, space: 'ENG', name: 'Platform' },
    ];
    for (let round = 0; round < SPACE_ROUNDS; round++) {
      // Alternate which server each space admin uses.
      const servers = round % 2 === 0 ? [cluster.a, cluster.b] : [cluster.b, cluster.a];
      const replies = await Promise.all(
        admins.map((admin, n) => call('POST', `${servers[n].url}/rest/api/3/project/${admin.space}/role/${GUEST_ROLE}`, creds.basic[admin.email], { user: [jordan] })),
      );
      const assignments = await cluster.db.guestSpaceAssignment.count({ where: { userId: jordan } });
      const memberships = await cluster.db.spaceMembership.findMany({ where: { userId: jordan }, select: { space: { select: { key: true } } } });
      const winners = replies.flatMap((reply, n) => (reply.status === 200 ? [n] : []));
      const loser = replies.find((reply) => reply.status !== 200);
      const winner = admins[winners[0] ?? 0];
      const refusal = JSON.stringify(loser?.json ?? '');
      if (assignments > 1 || memberships.length > 1 || winners.length !== 1 || loser?.status !== 400 || !refusal.includes(winner.name)) {
        violations.push(`round ${round}: ${assignments} assignment(s), spaces ${memberships.map((m) => m.space.key).join('+') || 'none'}, statuses ${replies.map((r) => r.status).join('/')}, refusal ${refusal.slice(0, 200)}`);
      }
      // Reset: the winner's admin takes the guest out again (through the other server).
      for (const n of winners) {
        const reply = await call('DELETE', `${servers[1 - n].url}/rest/api/3/project/${admins[n].space}/role/${GUEST_ROLE}?user=${jordan}`, creds.basic[admins[n].email]);
        if (reply.status !== 204) throw new Error(`reset after round ${round}: DELETE answered ${reply.status} ${JSON.stringify(reply.json)}`);
      }
    }
    count('one space per guest', SPACE_ROUNDS, violations);
    expect(violations).toEqual([]);
  }, 240_000);

  it('access removed on server A while the person is using server B: B refuses their next request', async () => {
    const violations: string[] = [];
    // The seeded guest (signed in on B in Chromium, with an API token) and guests who joined through
    // their invitation email, each with an API token.
    const people: { email: string; basic: string }[] = [{ email: CASEY, basic: creds.basic[CASEY] }];
    for (let i = 1; i < REMOVE_ROUNDS; i++) {
      const email = `race-remove-${i}@vendor${i}.example`;
      expect((await inviteGuests(cluster.b.url, creds, [email])).status).toBe(200);
      await acceptInvitationWithNewAccount(cluster.db, tokenOf(await invitationLink(email)), { name: `Removed Guest ${i}`, password: 'a-long-enough-password' });
      const viewer = await viewerFor(cluster.db, email);
      const token = await createApiToken(cluster.db, viewer, { name: 'race', expiresInDays: 1 }, auditOf(viewer));
      people.push({ email, basic: `Basic ${Buffer.from(`${email}:${token.token}`).toString('base64')}` });
    }

    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    const context = await browser.newContext({ baseURL: cluster.b.url });
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByLabel('Email').fill(CASEY);
      await page.getByLabel('Password').fill('portico-demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.goto('/spaces/MKT');
      await page.getByText('Spaces / Marketing').waitFor();

      for (const person of people) {
        const accountId = await creds.accountId(person.email);
        // Server B is in use: the person's calls run back to back while A removes their access.
        let removedAt = Infinity;
        let stop = false;
        const afterRemoval: number[] = [];
        let okBefore = 0;
        const using = (async () => {
          while (!stop) {
            const startedAt = performance.now();
            const reply = await call('GET', `${cluster.b.url}/rest/api/3/myself`, person.basic);
            if (startedAt > removedAt) afterRemoval.push(reply.status);
            else if (reply.status === 200) okBefore++;
          }
        })();
        await pollUntil(`${person.email} using server B`, async () => okBefore >= 3);
        const removal = await call('DELETE', `${cluster.a.url}/admin/v1/orgs/${creds.orgId}/users/${accountId}`, `Bearer ${creds.orgKey}`);
        removedAt = performance.now();
        await pollUntil('requests after the removal', async () => afterRemoval.length >= 3);
        stop = true;
        await using;
        if (removal.status !== 204) violations.push(`${person.email}: removal answered ${removal.status} ${JSON.stringify(removal.json)}`);
        if (afterRemoval.some((status) => status !== 401)) violations.push(`${person.email}: B answered ${afterRemoval.join(',')} after the removal (want 401)`);
        if (person.email === CASEY) {
          // The browser session on B ends too: the next page is the login page, not the space.
          await page.goto('/spaces/MKT');
          if (!new URL(page.url()).pathname.startsWith('/login')) violations.push(`${CASEY}: B still served ${page.url()} in the browser after the removal`);
        }
      }
    } finally {
      await context.close();
    }
    count('remove while in use', people.length, violations);
    expect(violations).toEqual([]);
  }, 180_000);
});
