// Mail delivery rate alone: a throwaway embedded PostgreSQL (demo seed), the dev SMTP sink and the
// mail worker in this process; N invitations granted the way the product does (grantAccess as the
// site admin, ≤ 500 per call), then messages/s from the first to the last send.
//   npm run bench:mail                         # 1,000 invitations
//   npm run bench:mail -- --count=2500 --concurrency=8
// Ports: PORTICO_BENCH_MAIL_PG_PORT (default 56810), PORTICO_BENCH_MAIL_SMTP_PORT (default 2940).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../db/embedded';
import { createPrismaClient } from '../db/client';
import { loadViewer } from '../access/viewer';
import { grantAccess } from '../invitations/grant';
import { startDevSmtpSink } from '../mail/dev-sink';
import { startMailWorker } from '../mail/worker';
import { deliveryRate } from '../bench/actions';
import { DATA_DIR, migrateAndSeed } from './runtime';

const arg = (name: string, fallback: number) => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return raw ? Number(raw) : fallback;
};
const count = arg('count', 1000);
const concurrency = arg('concurrency', 0) || undefined;
const pgPort = Number(process.env.PORTICO_BENCH_MAIL_PG_PORT ?? 56810);
const smtpPort = Number(process.env.PORTICO_BENCH_MAIL_SMTP_PORT ?? 2940);
const log = (line: string) => console.log(line);

const dir = path.join(DATA_DIR, `bench-mail-postgres-${pgPort}`);
fs.rmSync(dir, { recursive: true, force: true });
const mailbox = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-mail-'));
const database = await startEmbeddedPostgres({ dir, port: pgPort, password: crypto.randomBytes(12).toString('hex'), persistent: false, log });
const sink = await startDevSmtpSink({ port: smtpPort, dir: mailbox });
const prisma = createPrismaClient(database.url);
const client = new pg.Client({ connectionString: database.url });
let worker: Awaited<ReturnType<typeof startMailWorker>> | null = null;
try {
  await migrateAndSeed(database.url, log);
  await client.connect();
  // Demo emails from the seed are delivered first, outside the measurement.
  worker = await startMailWorker({ databaseUrl: database.url, smtpUrl: sink.url, appUrl: 'http://localhost:3000', log, concurrency, relayIntervalMs: 200 });
  await deliveryRate(client, new Date(0), 60_000);

  const user = await prisma.user.findUniqueOrThrow({ where: { email: 'alana.admin@acme.com' } });
  const session = await prisma.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  const viewer = await loadViewer(prisma, session.id);
  if (!viewer) throw new Error('no viewer for the site admin');
  const audit = { actorId: viewer.userId, siteId: viewer.site.id, ip: '203.0.113.10', userAgent: 'bench-mail' };

  // Outbox rows are written by the grants; the worker's relay picks them up as they commit.
  const since = new Date(Date.now() - 1000);
  const run = crypto.randomBytes(3).toString('hex');
  const started = Date.now();
  for (let offset = 0; offset < count; offset += 500) {
    const emails = Array.from({ length: Math.min(500, count - offset) }, (_, i) => `mail-bench-${run}-${offset + i}@example.com`);
    await grantAccess(prisma, viewer, { emails, role: 'USER', personalMessage: 'Welcome aboard <team> & "friends" — ça va?\nSee you soon.', resend: [] }, audit);
  }
  log(`Granted ${count} invitations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const result = await deliveryRate(client, since, 15 * 60_000);
  log(`Email delivery (concurrency ${concurrency ?? 'default'}): ${result.sent} sent in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(1)} messages/s${result.pending ? ` (${result.pending} still pending)` : ''}`);
  const received = fs.readdirSync(mailbox).filter((f) => f.endsWith('.eml')).length;
  log(`Sink received ${received} messages in all (seed emails included)`);
} finally {
  await worker?.stop().catch(() => {});
  await client.end().catch(() => {});
  await prisma.$disconnect();
  await sink.stop();
  await database.stop();
  fs.rmSync(mailbox, { recursive: true, force: true });
}
