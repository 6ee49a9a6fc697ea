// Email delivery: OutboxEmail rows (written by domain code in the same transaction as the change)
// → pg-boss jobs (the relay) → SMTP (the worker) → row marked SENT. Everything shared lives in
// PostgreSQL, so any number of processes may run this side by side:
// - the relay claims rows with FOR UPDATE SKIP LOCKED and enqueues each under a job id derived from
//   the row id, so a row is never queued twice (pg-boss inserts ON CONFLICT DO NOTHING);
// - pg-boss hands each job to one worker at a time and retries failures with exponential backoff;
// - the worker re-reads the row and skips it once SENT.
// Delivery is at least once: a crash between the SMTP server's "250 OK" and the SENT update sends
// the message again on retry. A stable Message-ID (from the row id) lets mail clients fold that.
import crypto from 'node:crypto';
import { PgBoss, fromPrisma, type JobResult, type JobWithMetadata } from 'pg-boss';
import { createPrismaClient, type Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { EmailPayloadError, renderEmail, type RenderedEmail } from '../../emails/render';
import { REDACTED_TOKEN } from './redaction';
import { createMailTransport, isPermanentSmtpError, mailFrom, mailFromDomain, type MailTransport } from './transport';

export const EMAIL_QUEUE = 'email';
/** Stands in for the raw invitation token once it no longer needs to be in the database. */
export { REDACTED_TOKEN };

export type RetryPolicy = {
  /** Retries after the first attempt. */
  limit: number;
  delaySeconds: number;
  backoff: boolean;
  /** Cap on one backoff delay. */
  delayMaxSeconds: number;
};
/** 8 retries, 5–10 s at first and doubling (jittered), capped at 15 min: 20–40 min before giving up. */
export const DEFAULT_RETRY: RetryPolicy = { limit: 8, delaySeconds: 5, backoff: true, delayMaxSeconds: 900 };

export type MailWorkerOptions = {
  databaseUrl: string;
  smtpUrl: string;
  /** Base of the links in emails (APP_URL). */
  appUrl: string;
  log: (line: string) => void;
  /** Defaults to MAIL_FROM, then "Portico <no-reply@portico.local>". */
  from?: string;
  retry?: Partial<RetryPolicy>;
  /** How often the relay looks for new outbox rows. */
  relayIntervalMs?: number;
  /** How often the pg-boss worker polls for jobs (it is also woken when this process relays). */
  pollIntervalSeconds?: number;
  /** Emails sent at the same time by this process. */
  concurrency?: number;
  /**
   * How long a send may stay in progress before its email is handed to another worker (the one
   * sending it is presumed dead, e.g. killed). Default 300 s; keep it well above a send's timeouts.
   */
  stalledSeconds?: number;
};

export const DEFAULT_STALLED_SECONDS = 300;

/**
 * Delivery tuning from the environment, all optional (README, Email):
 * PORTICO_MAIL_RETRY_DELAY_SECONDS (first retry delay, default 5), PORTICO_MAIL_RETRY_DELAY_MAX_SECONDS
 * (cap on one delay, default 900), PORTICO_MAIL_RETRY_LIMIT (default 8) and
 * PORTICO_MAIL_STALLED_SECONDS (default 300) and PORTICO_MAIL_CONCURRENCY (emails in flight and SMTP
 * connections per worker, default 16; lower it for providers that cap simultaneous connections).
 */
export function mailTuningFromEnv(env: Record<string, string | undefined> = process.env): Pick<MailWorkerOptions, 'retry' | 'stalledSeconds' | 'concurrency'> {
  const number = (name: string, min: number): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min} (got ${JSON.stringify(raw)}).`);
    return value;
  };
  const retry: Partial<RetryPolicy> = {};
  const delaySeconds = number('PORTICO_MAIL_RETRY_DELAY_SECONDS', 1);
  const delayMaxSeconds = number('PORTICO_MAIL_RETRY_DELAY_MAX_SECONDS', 1);
  const limit = number('PORTICO_MAIL_RETRY_LIMIT', 0);
  if (delaySeconds !== undefined) retry.delaySeconds = delaySeconds;
  if (delayMaxSeconds !== undefined) retry.delayMaxSeconds = delayMaxSeconds;
  if (limit !== undefined) retry.limit = limit;
  return { retry, stalledSeconds: number('PORTICO_MAIL_STALLED_SECONDS', 5), concurrency: number('PORTICO_MAIL_CONCURRENCY', 1) };
}

export type MailWorker = {
  /** Stops relaying and fetching, lets in-flight sends finish, closes connections. */
  stop(): Promise<void>;
  /** Moves pending outbox rows into the queue now (the timer does this every relayIntervalMs). */
  relayNow(): Promise<number>;
};

type EmailJob = { outboxId: string };

/**
 * Emails in flight per worker process (the batch fetched at once, and pooled SMTP connections).
 * A batch's time is mostly waiting (SMTP replies, database round trips), not CPU: 4 delivered
 * ~19 messages/s into the dev sink, 16 ~60/s (npm run bench:mail, README Performance).
 */
const DEFAULT_CONCURRENCY = 16;

/**
 * The pg-boss job id of an outbox row, as a UUID. MD5 only as a stable mapping (not for secrecy),
 * because PostgreSQL computes the same value (`md5(...)::uuid`) in the relay's query.
 */
export function jobIdForOutbox(outboxId: string): string {
  const hex = crypto.createHash('md5').update(`portico-outbox:${outboxId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const RELAY_BATCH = 100;

// pg-boss rejects retryDelayMax without backoff.
const retryOptions = (retry: RetryPolicy) => ({
  retryLimit: retry.limit,
  retryDelay: retry.delaySeconds,
  retryBackoff: retry.backoff,
  ...(retry.backoff ? { retryDelayMax: retry.delayMaxSeconds } : {}),
});

/**
 * Enqueues up to RELAY_BATCH pending rows that have no job yet, in one transaction: the job
 * inserts commit with the row locks, so a concurrent relay skips the locked rows or sees their
 * jobs. One whose snapshot predates that commit can still lock a row afterwards; its insert then
 * hits the same job id and does nothing.
 */
async function relayOutbox(db: Db, boss: PgBoss, retry: RetryPolicy, stalledSeconds: number): Promise<number> {
  return db.$transaction(async (tx) => {
    // pgboss.job is pg-boss's job table (default schema); its key is (name, id).
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT o.id FROM "OutboxEmail" o
       WHERE o.state = 'PENDING'
         AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = ${EMAIL_QUEUE} AND j.id = md5('portico-outbox:' || o.id)::uuid)
       ORDER BY o."createdAt", o.id
       LIMIT ${RELAY_BATCH}
       FOR UPDATE OF o SKIP LOCKED`;
    const db = fromPrisma(tx);
    for (const row of rows) {
      const job: EmailJob = { outboxId: row.id };
      await boss.send(EMAIL_QUEUE, job, {
        id: jobIdForOutbox(row.id),
        db,
        ...retryOptions(retry),
        expireInSeconds: stalledSeconds,
      });
    }
    return rows.length;
  });
}

const outboxWithInvitation = {
  invitation: { include: { invitedBy: { select: { name: true } }, site: { select: { name: true } } } },
} satisfies Prisma.OutboxEmailInclude;
type OutboxRow = Prisma.OutboxEmailGetPayload<{ include: typeof outboxWithInvitation }>;

type Prepared = { kind: 'send'; email: RenderedEmail } | { kind: 'skip'; reason: string; invitationError?: string };

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Error text safe and short enough for a column and an admin screen. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error';
}

function redactToken(payload: Prisma.JsonValue): Prisma.InputJsonValue {
  if (isRecord(payload) && typeof payload.token === 'string') return { ...payload, token: REDACTED_TOKEN } as Prisma.InputJsonObject;
  // An emailed one-time passcode ('email-passcode') is as much a secret as a token.
  if (isRecord(payload) && typeof payload.code === 'string') return { ...payload, code: REDACTED_TOKEN } as Prisma.InputJsonObject;
  return (payload ?? {}) as Prisma.InputJsonValue;
}

/**
 * Invitations are rendered from the Invitation row (inviter, site, role, message, expiry) with
 * only the raw token taken from the payload, which is the one thing the database does not hold.
 * Also decides not to send an invitation that can no longer be accepted.
 */
async function prepare(row: OutboxRow, appUrl: string, now: Date): Promise<Prepared> {
  // A passcode that expired while queued is useless: don't send it.
  if (row.template === 'email-passcode' && isRecord(row.payload) && typeof row.payload.expiresAt === 'string' && new Date(row.payload.expiresAt) <= now) {
    return { kind: 'skip', reason: 'not sent: the passcode expired before it could be delivered' };
  }
  if (row.template !== 'invitation' || !row.invitation) return { kind: 'send', email: await renderEmail(row.template, row.payload, { appUrl }) };
  const invitation = row.invitation;
  const payload = isRecord(row.payload) ? row.payload : {};
  const token = typeof payload.token === 'string' ? payload.token : '';
  if (!token || token === REDACTED_TOKEN) throw new EmailPayloadError('Invalid invitation payload: no token');
  if (invitation.state !== 'PENDING') return { kind: 'skip', reason: `not sent: the invitation was ${invitation.state.toLowerCase()} before delivery` };
  if (sha256(token) !== invitation.tokenHash) return { kind: 'skip', reason: 'not sent: a newer email for this invitation replaced it' };
  if (invitation.expiresAt <= now) {
    const reason = 'not sent: the invitation expired before it could be delivered';
    return { kind: 'skip', reason, invitationError: reason };
  }
  const inviterName = invitation.invitedBy?.name ?? (typeof payload.inviterName === 'string' ? payload.inviterName : 'A site admin');
  const email = await renderEmail(
    'invitation',
    {
      token,
      inviterName,
      siteName: invitation.site.name,
      role: invitation.role,
      personalMessage: invitation.personalMessage,
      expiresAt: invitation.expiresAt.toISOString(),
    },
    { appUrl },
  );
  return { kind: 'send', email };
}

// One address, nothing a mail library could read as a list or a display name.
const SINGLE_ADDRESS = /^[^\s@,;<>"()\\]+@[^\s@,;<>"()\\]+$/;

type DeliveryContext = { db: Db; transport: MailTransport; from: string; messageIdDomain: string; appUrl: string; log: (line: string) => void };

/** Outbox row and its invitation, once nothing more will be tried. */
async function giveUp(ctx: DeliveryContext, row: OutboxRow, reason: string, invitationError: string | undefined) {
  await ctx.db.$transaction(async (tx) => {
    const updated = await tx.outboxEmail.updateMany({
      where: { id: row.id, state: 'PENDING' },
      data: { state: 'FAILED', attempts: { increment: 1 }, lastError: reason, payload: redactToken(row.payload) },
    });
    if (updated.count && row.invitationId && invitationError) {
      await tx.invitation.updateMany({ where: { id: row.invitationId }, data: { deliveryState: 'FAILED', deliveryError: invitationError } });
    }
  });
}

/** Already logged and recorded by failAttempt. */
class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
}

type Attempt = { number: number; of: number };

/**
 * A failed attempt that pg-boss should retry (or, on the last attempt, fail): recorded on the outbox
 * row and the invitation first, so admins see it.
 */
async function failAttempt(ctx: DeliveryContext, row: OutboxRow, error: unknown, attempt: Attempt): Promise<never> {
  const reason = describe(error);
  const what = `Email ${row.id} (${row.template}) to ${row.to}, attempt ${attempt.number} of ${attempt.of}`;
  if (attempt.number >= attempt.of) {
    ctx.log(`${what} failed; giving up: ${reason}`);
    await giveUp(ctx, row, reason, `failed: ${reason}`);
  } else {
    ctx.log(`${what} failed; will retry: ${reason}`);
    await ctx.db.$transaction(async (tx) => {
      await tx.outboxEmail.updateMany({ where: { id: row.id, state: 'PENDING' }, data: { attempts: { increment: 1 }, lastError: reason } });
      if (row.invitationId) {
        await tx.invitation.updateMany({ where: { id: row.invitationId }, data: { deliveryState: 'FAILED', deliveryError: `failed, retrying: ${reason}` } });
      }
    });
  }
  // Thrown on the last attempt too, so pg-boss's own record says failed rather than completed.
  throw new DeliveryFailed(reason, { cause: error });
}

type Sent = { row: OutboxRow; sentAt: Date };

/**
 * Delivers one outbox row (read with its batch). Returns when the row is done with: the time it was
 * sent, for settleSent to record with the rest of its batch, or null when skipped or refused for
 * good (already recorded). Throws when pg-boss should retry it.
 */
async function deliverOutboxEmail(ctx: DeliveryContext, row: OutboxRow | undefined, attempt: Attempt): Promise<Sent | null> {
  // Deleted, already SENT, or given up: at-least-once delivery may hand us a row twice.
  if (!row || row.state !== 'PENDING') return null;

  let prepared: Prepared;
  try {
    prepared = await prepare(row, ctx.appUrl, new Date());
    if (prepared.kind === 'send' && !SINGLE_ADDRESS.test(row.to)) throw new EmailPayloadError(`Invalid recipient address: ${JSON.stringify(row.to)}`);
  } catch (error) {
    if (!(error instanceof EmailPayloadError)) return failAttempt(ctx, row, error, attempt);
    const reason = describe(error);
    ctx.log(`Email ${row.id} (${row.template}) cannot be sent: ${reason}`);
    await giveUp(ctx, row, reason, `failed: ${reason}`);
    return null;
  }
  if (prepared.kind === 'skip') {
    await giveUp(ctx, row, prepared.reason, prepared.invitationError);
    return null;
  }

  try {
    await ctx.transport.sendMail({
      from: ctx.from,
      to: { name: '', address: row.to },
      subject: prepared.email.subject,
      html: prepared.email.html,
      text: prepared.email.text,
      messageId: `<${row.id}@${ctx.messageIdDomain}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } catch (error) {
    if (!isPermanentSmtpError(error)) return failAttempt(ctx, row, error, attempt);
    const reason = describe(error);
    ctx.log(`Email ${row.id} (${row.template}) to ${row.to} was refused: ${reason}`);
    await giveUp(ctx, row, reason, `failed: ${reason}`);
    return null;
  }
  return { row, sentAt: new Date() };
}

/**
 * Marks a batch's sent emails SENT (raw token redacted) and their invitations delivered: two
 * statements in one transaction for the whole batch, where one transaction per email (four round
 * trips each) was most of a send's time. Each row keeps the time its own send finished.
 */
async function settleSent(db: Db, sent: Sent[]) {
  const ids = sent.map(({ row }) => row.id);
  const sentAts = sent.map(({ sentAt }) => sentAt.toISOString());
  const payloads = sent.map(({ row }) => JSON.stringify(redactToken(row.payload)));
  const invitations = sent.filter(({ row }) => row.invitationId);
  const invitationIds = invitations.map(({ row }) => row.invitationId as string);
  const invitationSentAts = invitations.map(({ sentAt }) => sentAt.toISOString());
  // DateTime columns are timestamp(3) in UTC; the ISO strings are read as UTC instants.
  await db.$transaction([
    db.$executeRaw`
      UPDATE "OutboxEmail" o
         SET "state" = 'SENT', "sentAt" = (v.sent_at::timestamptz AT TIME ZONE 'UTC'), "attempts" = o."attempts" + 1, "payload" = v.payload::jsonb
        FROM unnest(${ids}::text[], ${sentAts}::text[], ${payloads}::text[]) AS v(id, sent_at, payload)
       WHERE o."id" = v.id AND o."state" = 'PENDING'`,
    db.$executeRaw`
      UPDATE "Invitation" i
         SET "deliveryState" = 'SENT', "sentAt" = (v.sent_at::timestamptz AT TIME ZONE 'UTC'), "deliveryError" = NULL,
             "updatedAt" = (v.sent_at::timestamptz AT TIME ZONE 'UTC')
        FROM unnest(${invitationIds}::text[], ${invitationSentAts}::text[]) AS v(id, sent_at)
       WHERE i."id" = v.id`,
  ]);
}

/**
 * One fetched batch: its rows read in one query, its emails rendered and sent at the same time,
 * the sent ones settled together. A job fails (pg-boss retries it) if its send failed, or if the
 * batch's rows could not be read or its sends could not be recorded (sent again on retry: at
 * least once, as when a single send's update failed).
 */
async function deliverBatch(ctx: DeliveryContext, jobs: JobWithMetadata<EmailJob>[]): Promise<JobResult[]> {
  const attemptOf = (job: JobWithMetadata<EmailJob>): Attempt => ({ number: job.retryCount + 1, of: job.retryLimit + 1 });
  const failed = (job: JobWithMetadata<EmailJob>, error: unknown): JobResult => {
    // Errors before the row was read or after it was sent (e.g. the database away) are only known here.
    if (!(error instanceof DeliveryFailed)) ctx.log(`Email ${job.data.outboxId}, attempt ${attemptOf(job).number} of ${attemptOf(job).of} failed: ${describe(error)}`);
    return { id: job.id, status: 'failed', output: { message: describe(error) } };
  };
  let rows: Map<string, OutboxRow>;
  try {
    const found = await ctx.db.outboxEmail.findMany({ where: { id: { in: jobs.map((job) => job.data.outboxId) } }, include: outboxWithInvitation });
    rows = new Map(found.map((row) => [row.id, row]));
  } catch (error) {
    return jobs.map((job) => failed(job, error));
  }
  const outcomes = await Promise.all(
    jobs.map(async (job) => {
      try {
        return { job, sent: await deliverOutboxEmail(ctx, rows.get(job.data.outboxId), attemptOf(job)) };
      } catch (error) {
        return { job, error };
      }
    }),
  );
  const sent = outcomes.flatMap(({ sent }) => (sent ? [sent] : []));
  let settleError: unknown = null;
  if (sent.length) await settleSent(ctx.db, sent).catch((error: unknown) => (settleError = error ?? new Error('unknown error')));
  return outcomes.map((outcome): JobResult => {
    if ('error' in outcome) return failed(outcome.job, outcome.error);
    if (outcome.sent && settleError) return failed(outcome.job, settleError);
    return { id: outcome.job.id, status: 'completed' };
  });
}

export async function startMailWorker(options: MailWorkerOptions): Promise<MailWorker> {
  const { log } = options;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const stalledSeconds = options.stalledSeconds ?? DEFAULT_STALLED_SECONDS;
  const from = options.from ?? mailFrom();
  const db = createPrismaClient(options.databaseUrl);
  const transport = createMailTransport(options.smtpUrl, { maxConnections: options.concurrency ?? DEFAULT_CONCURRENCY });
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    max: 4,
    application_name: 'portico-mail',
    schedule: false,
    // Stalled sends are found by pg-boss's supervise pass, whose expiry step runs at most once per
    // monitor interval: both several times per stalledSeconds, at most once a minute (the defaults).
    superviseIntervalSeconds: Math.max(1, Math.min(60, Math.floor(stalledSeconds / 4))),
    monitorIntervalSeconds: Math.max(1, Math.min(60, Math.floor(stalledSeconds / 4))),
  });
  let stopped = false;
  // Once stopping, connection errors are expected (an embedded PostgreSQL may stop alongside us).
  boss.on('error', (error) => {
    if (!stopped) log(`Mail queue error: ${describe(error)}`);
  });
  boss.on('warning', (warning) => log(`Mail queue warning: ${warning.message}`));

  const ctx: DeliveryContext = { db, transport, from, messageIdDomain: mailFromDomain(from), appUrl: options.appUrl, log };
  let workId: string | null = null;
  try {
    await boss.start();
    await boss.createQueue(EMAIL_QUEUE, {
      ...retryOptions(retry),
      // A send gives up within ~1 min (transport timeouts); a job still active after stalledSeconds
      // (5 min) belongs to a worker that died, and goes to another one.
      expireInSeconds: stalledSeconds,
    });
    // Jobs come in batches, each batch's rows are read in one query, its emails are sent at the
    // same time over pooled SMTP connections, the sent ones are recorded with two statements
    // (settleSent) and each job is completed or failed on its own (perJobResults), and while
    // batches come back full the next is fetched at once: fetching one job per polling interval
    // capped delivery at about one email a second.
    workId = await boss.work(
      EMAIL_QUEUE,
      {
        includeMetadata: true,
        batchSize: options.concurrency ?? DEFAULT_CONCURRENCY,
        localConcurrency: 1,
        perJobResults: true,
        burstWhenBatchFull: true,
        pollingIntervalSeconds: options.pollIntervalSeconds ?? 2,
      },
      async (jobs: JobWithMetadata<EmailJob>[]) => deliverBatch(ctx, jobs),
    );
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    transport.close();
    await db.$disconnect();
    throw error;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let lastRelayError = '';

  const relayNow = (): Promise<number> => {
    // One relay pass at a time per process; a second caller waits for the same pass.
    running ??= relayOutbox(db, boss, retry, stalledSeconds)
      .then((count) => {
        lastRelayError = '';
        if (count > 0 && workId) boss.notifyWorker(workId);
        return count;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const tick = async () => {
    let count = 0;
    try {
      count = await relayNow();
    } catch (error) {
      // Logged once per distinct error, not every half second while the database is away.
      const message = describe(error);
      if (message !== lastRelayError) log(`Mail relay error: ${message}`);
      lastRelayError = message;
    }
    if (!stopped) timer = setTimeout(() => void tick(), count >= RELAY_BATCH ? 0 : (options.relayIntervalMs ?? 500));
  };
  void tick();

  return {
    relayNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => 0);
      await boss.stop({ graceful: true, timeout: 15_000 });
      transport.close();
      await db.$disconnect();
    },
  };
}
