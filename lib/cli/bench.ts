// `npm run bench [-- --scale=0.1] [--duration=6] [--rounds=3] [--connections=10] [--runs=200] [--invites=5] [--adds=50] [--lighthouse]
// [--only=users,people]`:
// seeds a large site (in a throwaway embedded PostgreSQL unless DATABASE_URL is set), builds and
// starts the app for production with lib/cli/start.ts, signs in as a site admin, a space admin and
// a guest, and measures each screen with autocannon against two floors: the framework floor (GET
// /ping, a trivial signed-in page, measured right before each screen) and the database floor (the
// same rows read with raw SQL through pg, timed in-process). Then the actions (invite 500 guests in
// one request; add a person to a space) against the same floors (for an action, the database floor
// is the same writes in raw SQL, plus the read of the data its answer carries), the mail worker's delivery rate into the SMTP sink, first-load JS
// per route, and with --lighthouse, Lighthouse (desktop) scores.
import 'dotenv/config';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { ROOT, migrateAndSeed, openDatabase } from './runtime';
import { DEMO_PASSWORD } from '../../prisma/seed';
import { BIG_SPACE_KEY, largeSeedCounts, seedLarge } from '../bench/large-seed';
import { flagValue } from '../bench/args';
import { pageProblem, signIn, waitForServer } from '../bench/http';
import { load, loadAlternating, type LoadResult } from '../bench/load';
import { FLOOR_SQL, timeQuery, type DbFloor, type FloorKey } from '../bench/db-floor';
import { firstLoadJsGzip } from '../bench/first-load-js';
import { createPrismaClient } from '../db/client';
import { INVITE_BATCH, addToSpaceFloor, benchAddToSpace, benchCredentials, benchInvite, deliveryRate, inviteFloor, peopleOutside, undoBenchActions } from '../bench/actions';
import { lighthousePages, lighthouseReport, runLighthouse } from '../bench/lighthouse';

const log = (line: string) => console.log(`[bench] ${line}`);
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');

type Who = 'admin' | 'spaceAdmin' | 'guest' | 'anonymous';
type Target = { screen: string; path: string; who: Who; floor: FloorKey; values: unknown[]; mustContain?: string };

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  const began = Date.now();
  const scale = Number(flagValue('scale') ?? 1);
  const duration = Number(flagValue('duration') ?? 6);
  const rounds = Number(flagValue('rounds') ?? 3);
  const connections = Number(flagValue('connections') ?? 10);
  const runs = Number(flagValue('runs') ?? 200);
  const port = Number(process.env.PORT ?? 3400);
  const baseUrl = `http://localhost:${port}`;
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be a number in (0, 10].');

  // A throwaway cluster unless DATABASE_URL names one (which then keeps the large seed for next time).
  if (!process.env.DATABASE_URL) {
    process.env.PORTICO_EPHEMERAL_DB = '1';
    process.env.PORTICO_PG_PORT ??= '55700';
  }
  const database = await openDatabase(log);
  let server: ChildProcess | null = null;
  const client = new pg.Client({ connectionString: database.url });
  client.on('error', (error) => log(`Database connection: ${error.message}`));
  let connected = false;
  const stopAll = async () => {
    if (connected) await client.end().catch(() => {});
    connected = false;
    if (server) await stopChild(server);
    await database.stop();
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

  try {
    await migrateAndSeed(database.url, log);
    await client.connect();
    connected = true;
    const seeded = (await client.query(`SELECT 1 FROM "User" WHERE "id" = 'lgu1'`)).rowCount;
    const seedStart = Date.now();
    if (seeded) log('The database already holds the large seed; reusing it.');
    else await seedLarge(database.url, { scale, log });
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const site = (await client.query<{ siteId: string; jiraId: string }>(
      `SELECT s."id" AS "siteId", a."id" AS "jiraId" FROM "Site" s JOIN "App" a ON a."siteId" = s."id" AND a."kind" = 'JIRA' WHERE s."slug" = 'acme'`,
    )).rows[0];
    const counts = (await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "SiteUser") AS "siteUsers", (SELECT count(*) FROM "Space") AS spaces,
              (SELECT count(*) FROM "SpaceMembership" m JOIN "Space" s ON s."id" = m."spaceId" WHERE s."key" = '${BIG_SPACE_KEY}') AS "bigSpace",
              (SELECT count(*) FROM "WorkItem") AS "workItems", (SELECT count(*) FROM "Comment") AS comments,
              (SELECT count(*) FROM "Invitation") AS invitations, (SELECT count(*) FROM "AuditEvent") AS "auditEvents"`,
    )).rows[0];
    log(`Data: ${Object.entries(counts).map(([k, v]) => `${k} ${Number(v).toLocaleString('en-US')}`).join(', ')}`);

    // A deep page of the Users list: the keyset cursor of the row halfway down (default sort, added desc).
    const half = Math.floor(Number(counts.siteUsers) / 2);
    const middle = (await client.query<{ addedAt: Date; id: string }>(
      `SELECT "addedAt", "id" FROM "SiteUser" WHERE "siteId" = $1 ORDER BY "addedAt" DESC, "id" DESC OFFSET $2 LIMIT 1`,
      [site.siteId, half],
    )).rows[0];
    const cursor = Buffer.from(JSON.stringify(['added', 'desc', middle.addedAt.toISOString(), middle.id])).toString('base64url');
    const adminId = (await client.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = 'alana.admin@acme.com'`)).rows[0].id;
    const profileId = 'lgu2';
    const day = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);
    const from = day(60);
    const to = day(30);
    const dayStart = (d: string) => `${d} 00:00:00`;
    const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) + ' 00:00:00';

    const targets: Target[] = [
      { screen: 'Framework floor: GET /ping (signed in: session, viewer, policy, layout)', path: '/ping', who: 'admin', floor: 'framework', values: [] },
      { screen: 'Reference: GET /login (signed out)', path: '/login', who: 'anonymous', floor: 'framework', values: [] },
      { screen: 'Users: first page', path: '/admin/users', who: 'admin', floor: 'usersFirst', values: [] },
      { screen: 'Users: search "garcia"', path: '/admin/users?q=garcia', who: 'admin', floor: 'usersSearch', values: ['%garcia%'] },
      { screen: 'Users: role Guest', path: '/admin/users?role=guest', who: 'admin', floor: 'usersRole', values: ['GUEST'] },
      { screen: 'Users: role User', path: '/admin/users?role=user', who: 'admin', floor: 'usersRole', values: ['USER'] },
      { screen: 'Users: role Admin', path: '/admin/users?role=admin', who: 'admin', floor: 'usersRole', values: ['ADMIN'] },
      { screen: 'Users: no Jira role', path: '/admin/users?role=none', who: 'admin', floor: 'usersNoRole', values: [] },
      { screen: 'Users: status Active', path: '/admin/users?status=active', who: 'admin', floor: 'usersActive', values: [] },
      { screen: 'Users: status Invited', path: '/admin/users?status=invited', who: 'admin', floor: 'usersInvited', values: [] },
      { screen: 'Users: status Suspended', path: '/admin/users?status=suspended', who: 'admin', floor: 'usersSuspended', values: [] },
      { screen: 'Users: external', path: '/admin/users?external=1', who: 'admin', floor: 'usersExternal', values: [] },
      { screen: 'Users: guests with no space', path: '/admin/users?nospace=1', who: 'admin', floor: 'usersNoSpace', values: [] },
      { screen: 'Users: expiring in 30 days', path: '/admin/users?expiring=30', who: 'admin', floor: 'usersExpiring', values: [] },
      { screen: 'Users: deep page (cursor, middle)', path: `/admin/users?after=${cursor}`, who: 'admin', floor: 'usersDeep', values: [middle.addedAt, middle.id] },
      { screen: 'Approve requests', path: '/admin/requests', who: 'admin', floor: 'requests', values: [] },
      { screen: 'User profile (guest)', path: `/admin/users/${profileId}`, who: 'admin', floor: 'profile', values: [profileId] },
      { screen: `Space settings → People (${BIG_SPACE_KEY}, ${Number(counts.bigSpace).toLocaleString('en-US')} people)`, path: `/spaces/${BIG_SPACE_KEY}/settings/people`, who: 'spaceAdmin', floor: 'people', values: [BIG_SPACE_KEY] },
      { screen: "Guest's space page (MKT)", path: '/spaces/MKT', who: 'guest', floor: 'spacePage', values: ['MKT'] },
      { screen: 'Audit log: newest', path: '/admin/audit-log', who: 'admin', floor: 'audit', values: [null, null, null] },
      { screen: 'Audit log: action "user.suspended"', path: '/admin/audit-log?action=user.suspended', who: 'admin', floor: 'audit', values: ['user.suspended', null, null] },
      { screen: `Audit log: ${from} to ${to}`, path: `/admin/audit-log?from=${from}&to=${to}`, who: 'admin', floor: 'audit', values: [null, dayStart(from), nextDay(to)] },
      { screen: 'Audit log: actor "alana"', path: '/admin/audit-log?actor=alana', who: 'admin', floor: 'auditActor', values: [adminId] },
    ];

    // --only=a,b: the screens whose names contain one of the terms (the actions and email delivery
    // only when a term matches "action"), for a quick look at a few screens.
    const only = (flagValue('only') ?? '').split(',').map((term) => term.trim().toLowerCase()).filter(Boolean);
    const chosen = (name: string) => only.length === 0 || only.some((term) => name.toLowerCase().includes(term));
    const measuredTargets = targets.filter((target, index) => index === 0 || chosen(target.screen));

    // The app, built for production when its sources changed (lib/cli/start.ts decides).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      PORTICO_SMTP_PORT: process.env.PORTICO_SMTP_PORT ?? '2828',
      PORTICO_EPHEMERAL_DB: '1',
    };
    delete env.APP_URL;
    delete env.AUTH_URL;
    log(`Starting the app on ${baseUrl} (builds first when sources changed)…`);
    const startBegan = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/start.ts')], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    server = child;
    await waitForServer(`${baseUrl}/login`, 20 * 60_000, () => child.exitCode === null && child.signalCode === null);
    log(`The app answers after ${((Date.now() - startBegan) / 1000).toFixed(0)} s.`);

    const cookies: Record<Who, string | undefined> = {
      admin: await signIn(baseUrl, 'alana.admin@acme.com', DEMO_PASSWORD),
      spaceAdmin: await signIn(baseUrl, 'sam.rivera@acme.com', DEMO_PASSWORD),
      guest: await signIn(baseUrl, 'casey.jones@brightagency.io', DEMO_PASSWORD),
      anonymous: undefined,
    };
    log('Signed in as the site admin, a space admin and a guest.');

    // The machine is shared and its speed drifts: every screen is measured in alternation with its
    // own framework floor (GET /ping, same duration, --rounds runs of each), and its ratio uses that floor.
    const floorTarget = targets[0];
    // (Actions send one request at a time: their floor is measured with one connection too.)
    const measureFloor = async (floorConnections = connections) => {
      await load(`${baseUrl}${floorTarget.path}`, { cookie: cookies[floorTarget.who], connections: floorConnections, durationSeconds: 1 });
      return load(`${baseUrl}${floorTarget.path}`, { cookie: cookies[floorTarget.who], connections: floorConnections, durationSeconds: duration });
    };
    type Row = { screen: string; http: LoadResult; db: DbFloor | null; floor: LoadResult | null; kind: 'floor' | 'reference' | 'screen' | 'action' };
    const rows: Row[] = [];
    const problems: string[] = [];
    const floorProblem = await pageProblem(baseUrl, floorTarget.path, cookies[floorTarget.who]);
    if (floorProblem) throw new Error(`The framework floor could not be measured: ${floorProblem}`);
    const firstFloor = await measureFloor();
    rows.push({ screen: floorTarget.screen, http: firstFloor, db: null, floor: null, kind: 'floor' });
    log(`${floorTarget.screen}: p50 ${fmt(firstFloor.p50)} ms, p95 ${fmt(firstFloor.p95)} ms, ${firstFloor.rps.toFixed(0)} req/s`);
    for (const target of measuredTargets.slice(1)) {
      const problem = await pageProblem(baseUrl, target.path, cookies[target.who], target.mustContain);
      if (problem) {
        log(`${target.screen}: not measured — ${problem}`);
        problems.push(`${target.screen}: ${problem}`);
        continue;
      }
      // Warm up (compiled code paths, caches), then the floor and the screen in alternation.
      await load(`${baseUrl}${floorTarget.path}`, { cookie: cookies[floorTarget.who], connections, durationSeconds: 1 });
      await load(`${baseUrl}${target.path}`, { cookie: cookies[target.who], connections, durationSeconds: 1 });
      const [floor, http] = await loadAlternating(
        { url: `${baseUrl}${floorTarget.path}`, cookie: cookies[floorTarget.who] },
        { url: `${baseUrl}${target.path}`, cookie: cookies[target.who] },
        { connections, durationSeconds: duration, rounds },
      );
      const db = await timeQuery(client, FLOOR_SQL[target.floor], [site.siteId, site.jiraId, ...target.values], runs);
      const reference = target.floor === 'framework';
      rows.push({ screen: target.screen, http, db: reference ? null : db, floor, kind: reference ? 'reference' : 'screen' });
      log(`${target.screen}: p50 ${fmt(http.p50)} ms, p95 ${fmt(http.p95)} ms, ${http.rps.toFixed(0)} req/s, db floor ${fmt(db.p50)} ms (${db.rows} rows), framework floor ${fmt(floor.p50)} ms${http.non2xx || http.errors ? ` — ${http.non2xx} non-2xx, ${http.errors} errors` : ''}`);
    }

    // The actions, through their HTTP APIs, one request at a time (each changes the site).
    const prisma = createPrismaClient(database.url);
    let mail: Awaited<ReturnType<typeof deliveryRate>> | null = null;
    try {
      const credentials = chosen('action') ? await benchCredentials(prisma, 'alana.admin@acme.com', 'sam.rivera@acme.com') : null;
      if (credentials) try {
        // Add to space first: once the invitations below exist, the worker delivers their emails
        // (2,500 of them) while anything after is measured.
        const people = await peopleOutside(client, site.siteId, site.jiraId, BIG_SPACE_KEY, Number(flagValue('adds') ?? 50));
        const actionsBegan = new Date(Date.now() - 1000);
        // The floor first: its writes are rolled back, while the requests add these people for good.
        const addDb = await addToSpaceFloor(client, site.siteId, BIG_SPACE_KEY, adminId, people, Math.min(runs, 50));
        const addFloor = await measureFloor(1);
        const add = await benchAddToSpace(baseUrl, credentials, BIG_SPACE_KEY, people);
        rows.push({ screen: `Action: add a person to ${BIG_SPACE_KEY} (REST)`, http: add, db: addDb, floor: addFloor, kind: 'action' });
        log(`Add to space: p50 ${fmt(add.p50)} ms, p95 ${fmt(add.p95)} ms over ${add.requests} requests, db floor ${fmt(addDb.p50)} ms${add.non2xx || add.errors ? ` — ${add.non2xx} non-2xx, ${add.errors} errors` : ''}`);

        const run = Date.now().toString(36);
        const mailSince = new Date(Date.now() - 1000);
        const inviteRequests = Number(flagValue('invites') ?? 5);
        const inviteDb = await inviteFloor(client, site.siteId, site.jiraId, adminId, Math.min(runs, 20));
        const floor = await measureFloor(1);
        const invite = await benchInvite(baseUrl, credentials, run, inviteRequests);
        rows.push({ screen: `Action: invite ${INVITE_BATCH} guests (one request)`, http: invite, db: inviteDb, floor, kind: 'action' });
        log(`Invite ${INVITE_BATCH}: p50 ${fmt(invite.p50)} ms, p95 ${fmt(invite.p95)} ms over ${invite.requests} requests, db floor ${fmt(inviteDb.p50)} ms${invite.non2xx || invite.errors ? ` — ${invite.non2xx} non-2xx, ${invite.errors} errors` : ''}`);

        log('Waiting for the mail worker to deliver the invitations into the SMTP sink…');
        mail = await deliveryRate(client, mailSince, 10 * 60_000);
        await undoBenchActions(client, site.siteId, BIG_SPACE_KEY, people, actionsBegan);
        log(`Removed the benchmark's invitations and its additions to ${BIG_SPACE_KEY}: the next run measures the same data.`);
      } finally {
        await credentials.cleanup();
      }
    } finally {
      await prisma.$disconnect();
    }

    const lines = [
      `| Screen | p50 ms | p95 ms | req/s | DB floor p50 ms | framework floor p50 ms | × framework | × (framework + DB) | p50 ≤ 1.5 × (framework + DB) |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|---|`,
    ];
    let failures = 0;
    for (const { screen, http, db, floor, kind } of rows) {
      const framework = (floor ?? http).p50;
      const budget = framework + (db?.p50 ?? 0);
      const pass = http.p50 <= 1.5 * budget && http.non2xx === 0 && http.errors === 0;
      const measured = kind === 'screen' || kind === 'action';
      if (measured && !pass) failures++;
      lines.push(
        `| ${screen} | ${fmt(http.p50)} | ${fmt(http.p95)} | ${kind === 'action' ? '–' : http.rps.toFixed(0)} | ${db ? fmt(db.p50) : '–'} | ${fmt(framework)} | ${(http.p50 / framework).toFixed(2)} | ${measured ? (http.p50 / budget).toFixed(2) : '–'} | ${kind === 'floor' ? 'floor' : kind === 'reference' ? 'reference' : pass ? 'pass' : 'FAIL'} |`,
      );
    }
    console.log('');
    console.log(lines.join('\n'));
    console.log('');
    for (const problem of problems) console.log(`Not measured: ${problem}`);
    if (mail) {
      const ok = mail.perSecond >= 50 && mail.pending === 0;
      if (!ok) failures++;
      console.log(`Email delivery (mail worker → SMTP sink): ${mail.sent} sent in ${fmt(mail.seconds)} s = ${Number.isFinite(mail.perSecond) ? mail.perSecond.toFixed(1) : '–'} messages/s${mail.pending ? `, ${mail.pending} still pending` : ''} (target ≥ 50/s: ${ok ? 'pass' : 'FAIL'})`);
      console.log('');
    }

    const routes = ['(site)/admin/users', '(site)/admin/users/invite', '(site)/admin/users/[id]', '(site)/admin/requests', '(site)/admin/audit-log', '(site)/spaces/[key]/settings/people', '(site)/spaces/[key]'];
    const jsLines = ['| Route | First-load JS (gzip) | ≤ 130 KB |', '|---|---:|---|'];
    for (const route of routes) {
      const bytes = firstLoadJsGzip(ROOT, route);
      jsLines.push(`| /${route.replace('(site)/', '')} | ${bytes === null ? 'not found in .next' : `${(bytes / 1024).toFixed(1)} KB`} | ${bytes === null ? '–' : bytes <= 130 * 1024 ? 'pass' : 'FAIL'} |`);
    }
    console.log(jsLines.join('\n'));
    console.log('');
    if (process.argv.includes('--lighthouse')) {
      log('Lighthouse (desktop) in Chromium…');
      const scores = await runLighthouse(baseUrl, lighthousePages({ admin: cookies.admin!, spaceAdmin: cookies.spaceAdmin!, guest: cookies.guest! }, BIG_SPACE_KEY), log);
      const report = lighthouseReport(scores);
      failures += report.failures;
      console.log(report.text);
      console.log('');
    }
    const c = largeSeedCounts(scale);
    log(`Scale ${scale} (${c.users.toLocaleString('en-US')} users planned); seed ${seedSeconds.toFixed(0)} s; ${duration} s × ${connections} connections per screen, in ${rounds} runs alternating with the floor; DB floor over ${runs} runs.`);
    failures += problems.length;
    log(`${failures ? `${failures} screen(s) over budget or not measured` : 'Every screen within budget'}. Wall time ${((Date.now() - began) / 1000).toFixed(0)} s.`);
  } finally {
    await stopAll();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
