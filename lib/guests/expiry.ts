// Guest access expiry: the site's default guest access length, the date on a guest's profile, and
// the scheduled job that emails a reminder seven days before and ends access on the day.
//
// The job (runGuestExpiry) is safe to run from any number of workers at once: each batch claims
// its SiteUser rows with FOR UPDATE SKIP LOCKED, and every change is a conditional update on the
// claimed values, in the same transaction as its outbox emails and audit events. A row another run
// has just handled no longer matches (PostgreSQL re-checks the WHERE clause on the row it locks),
// so a reminder is queued once per expiry date and an expiry is carried out once.
import { PgBoss } from 'pg-boss';
import { createPrismaClient, type Db } from '../db/client';
import { Prisma } from '../db/generated/client';
import { writeAudit, type AuditContext } from '../audit';
import { assertCan, type Viewer } from '../access/policy';
import { DomainError } from '../result';
import { loadSiteContext } from '../invitations/review';
import {
  DEFAULT_EXTEND_DAYS,
  MAX_GUEST_ACCESS_DEFAULT_DAYS,
  addDays,
  defaultGuestExpiry,
  earliestGuestExpiry,
  formatExpiryDate,
  formatExpiryDay,
  guestExpiryProblem,
  latestGuestExpiry,
  startOfUtcDay,
} from '../invitations/invite-users.schema';

type Tx = Prisma.TransactionClient;

/** The reminder goes out this many days before access ends. */
export const REMINDER_DAYS_BEFORE = 7;
export const GUEST_EXPIRY_EMAIL_TEMPLATE = 'guest-access-expiring';
const BATCH_SIZE = 100;

const iso = (date: Date | null) => date?.toISOString() ?? null;

// ---------------------------------------------------------------------------------------------
// Settings: the default guest access length

/** How many days Extend adds on a guest's profile. */
export function extendDays(defaultDays: number | null | undefined): number {
  return defaultDays ?? DEFAULT_EXTEND_DAYS;
}

export const guestDefaultDaysMessage = `Enter a number of days from 1 to ${MAX_GUEST_ACCESS_DEFAULT_DAYS}, or leave it empty for no expiry.`;

/** Site setting: the guest access length proposed when inviting a guest (null = no expiry). Audited. */
export async function setGuestAccessDefault(db: Db, viewer: Viewer, days: number | null, audit: AuditContext) {
  assertCan(viewer, 'admin.users.manage');
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_GUEST_ACCESS_DEFAULT_DAYS)) {
    throw new DomainError('INVALID_INPUT', guestDefaultDaysMessage, { days: guestDefaultDaysMessage });
  }
  return db.$transaction(async (tx) => {
    const site = await tx.site.findUniqueOrThrow({ where: { id: viewer.site.id }, select: { organization: { select: { id: true, guestAccessDefaultDays: true } } } });
    const before = site.organization.guestAccessDefaultDays;
    if (before === days) return { before, after: days };
    await tx.organization.update({ where: { id: site.organization.id }, data: { guestAccessDefaultDays: days } });
    await writeAudit(tx, audit, {
      action: 'guest.expiry_default.changed',
      targetType: 'organization',
      targetId: site.organization.id,
      before: { days: before },
      after: { days },
    });
    return { before, after: days };
  });
}

/** What the Invite users form proposes for "Access expires on", and the range it accepts. */
export function guestExpiryFormDefaults(defaultDays: number | null, now = new Date()) {
  const proposed = defaultGuestExpiry(now, defaultDays);
  return {
    defaultExpiresOn: proposed ? formatExpiryDay(proposed) : '',
    minExpiresOn: formatExpiryDay(earliestGuestExpiry(now)),
    maxExpiresOn: formatExpiryDay(latestGuestExpiry(now)),
  };
}

// ---------------------------------------------------------------------------------------------
// A guest's profile: Access expires on, Extend, set or clear the date

export type GuestExpiryChange = { extend: true } | { expiresAt: Date | null };

/**
 * Extend (one click: the site default, or 90 days, added to the current date — or to today when
 * there is none or it has passed), or set / clear the date. Only guests' access expires. A new
 * date gets its own reminder. Audited as 'guest.expiry.changed'.
 */
export async function changeGuestExpiry(db: Db, viewer: Viewer, userId: string, change: GuestExpiryChange, audit: AuditContext, now = new Date()) {
  assertCan(viewer, 'admin.users.manage');
  return db.$transaction(async (tx) => {
    // Locked so the expiry job and another admin wait for (or skip) this change.
    const [row] = await tx.$queryRaw<{ id: string; accessExpiresAt: Date | null; suspendedAt: Date | null }[]>`
      SELECT su."id", su."accessExpiresAt", su."suspendedAt" FROM "SiteUser" su
      WHERE su."siteId" = ${viewer.site.id} AND su."userId" = ${userId}
      FOR UPDATE`;
    if (!row) throw new DomainError('NOT_FOUND', 'That person is not on this site.');
    const site = await loadSiteContext(tx, viewer.site.id);
    // One query at a time: a transaction is one connection.
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { name: true } });
    const jira = await tx.appRole.findUnique({ where: { appId_userId: { appId: site.jiraAppId, userId } }, select: { role: true } });
    if (jira?.role !== 'GUEST') throw new DomainError('REFUSED', `${user.name} isn't a guest. Only guest access can expire.`);

    const before = row.accessExpiresAt;
    let after: Date | null;
    if ('extend' in change) {
      const base = before && before > now ? before : startOfUtcDay(now);
      after = addDays(base, extendDays(site.guestAccessDefaultDays));
    } else {
      after = change.expiresAt;
    }
    if (after) {
      const problem = guestExpiryProblem(after, now);
      if (problem) throw new DomainError('INVALID_INPUT', problem, { expiresOn: problem });
    }
    const suspendedNote = row.suspendedAt ? ` ${user.name}'s access is still suspended: restore it to let them back in.` : '';
    if ((before?.getTime() ?? null) === (after?.getTime() ?? null)) {
      return { before, after, message: `Nothing changed: ${after ? `access expires on ${formatExpiryDate(after)}` : 'access has no expiry'}.` };
    }
    await tx.siteUser.update({ where: { id: row.id }, data: { accessExpiresAt: after, expiryReminderSentAt: null } });
    await writeAudit(tx, audit, {
      action: 'guest.expiry.changed',
      targetType: 'user',
      targetId: userId,
      targetUserId: userId,
      before: { accessExpiresAt: iso(before) },
      after: { accessExpiresAt: iso(after), ...('extend' in change ? { extended: true } : {}) },
    });
    return { before, after, message: `${after ? `Access now expires on ${formatExpiryDate(after)}.` : 'Access no longer expires.'}${suspendedNote}` };
  });
}

export type GuestExpiryView = {
  /** "Access expires on Mar 1, 2027", "No expiry", … */
  label: string;
  state: 'NONE' | 'SCHEDULED' | 'ENDING' | 'EXPIRED';
  /** The date field's value (YYYY-MM-DD) and range. */
  expiresOn: string;
  minExpiresOn: string;
  maxExpiresOn: string;
  extendDays: number;
};

/** What a guest's profile says about their expiry, and what its controls offer. */
export function guestExpiryView(
  profile: { accessExpiresAt: Date | null; accessExpiredAt: Date | null; guestAccessDefaultDays: number | null },
  now = new Date(),
): GuestExpiryView {
  const range = guestExpiryFormDefaults(profile.guestAccessDefaultDays, now);
  const common = { minExpiresOn: range.minExpiresOn, maxExpiresOn: range.maxExpiresOn, extendDays: extendDays(profile.guestAccessDefaultDays) };
  const expiresAt = profile.accessExpiresAt;
  if (expiresAt) {
    const ending = expiresAt <= now;
    return {
      ...common,
      state: ending ? 'ENDING' : 'SCHEDULED',
      label: ending ? `Access expired on ${formatExpiryDate(expiresAt)} and is being ended` : `Access expires on ${formatExpiryDate(expiresAt)}`,
      expiresOn: formatExpiryDay(expiresAt),
    };
  }
  if (profile.accessExpiredAt) return { ...common, state: 'EXPIRED', label: `Access expired on ${formatExpiryDate(profile.accessExpiredAt)}`, expiresOn: '' };
  return { ...common, state: 'NONE', label: 'No expiry', expiresOn: '' };
}

// ---------------------------------------------------------------------------------------------
// The job: reminders seven days before, expiry on the day

export type GuestExpiryRun = { reminded: number; emails: number; expired: number };

type Site = { id: string; name: string };

/**
 * One pass over every site: first ends the access of guests whose date has come (removed from their
 * space — membership and one-space assignment —, site access suspended, sessions revoked, audited
 * 'guest.access.expired'), then queues the reminder for guests whose access ends within seven days
 * (to the inviter and the site admins, once per expiry date). `now` is injectable for tests.
 */
export async function runGuestExpiry(db: Db, now = new Date()): Promise<GuestExpiryRun> {
  const totals: GuestExpiryRun = { reminded: 0, emails: 0, expired: 0 };
  const sites = await db.site.findMany({ select: { id: true, name: true }, orderBy: { createdAt: 'asc' } });
  for (const site of sites) {
    for (;;) {
      const claimed = await expireBatch(db, site, now);
      totals.expired += claimed;
      if (claimed < BATCH_SIZE) break;
    }
    for (;;) {
      const { claimed, emails } = await remindBatch(db, site, now);
      totals.reminded += claimed;
      totals.emails += emails;
      if (claimed < BATCH_SIZE) break;
    }
  }
  return totals;
}

type Claimed = { id: string; userId: string; accessExpiresAt: Date; suspendedAt: Date | null; invitedById: string | null };

/** Rows of the site matching `condition`, locked; rows locked by another run are skipped. */
function claim(tx: Tx, siteId: string, condition: Prisma.Sql): Promise<Claimed[]> {
  // The (siteId, accessExpiresAt) index serves both the range and the order.
  return tx.$queryRaw<Claimed[]>`
    SELECT su."id", su."userId", su."accessExpiresAt", su."suspendedAt", su."invitedById"
    FROM "SiteUser" su
    WHERE su."siteId" = ${siteId} AND ${condition}
    ORDER BY su."accessExpiresAt", su."id"
    LIMIT ${BATCH_SIZE}
    FOR UPDATE SKIP LOCKED`;
}

async function expireBatch(db: Db, site: Site, now: Date): Promise<number> {
  return db.$transaction(
    async (tx) => {
      const rows = await claim(tx, site.id, Prisma.sql`su."accessExpiresAt" <= ${now}`);
      for (const row of rows) {
        const { count } = await tx.siteUser.updateMany({
          where: { id: row.id, accessExpiresAt: row.accessExpiresAt },
          // The date moves to the audit event: access is over, and a restore starts with no expiry.
          data: { accessExpiresAt: null, expiryReminderSentAt: null, suspendedAt: row.suspendedAt ?? now },
        });
        if (count !== 1) continue;
        const assignment = await tx.guestSpaceAssignment.findUnique({
          where: { siteId_userId: { siteId: site.id, userId: row.userId } },
          select: { spaceId: true, space: { select: { key: true } } },
        });
        if (assignment) {
          await tx.guestSpaceAssignment.deleteMany({ where: { siteId: site.id, userId: row.userId } });
          await tx.spaceMembership.deleteMany({ where: { spaceId: assignment.spaceId, userId: row.userId } });
        }
        const sessions = await tx.session.updateMany({ where: { userId: row.userId, revokedAt: null }, data: { revokedAt: now } });
        await writeAudit(
          tx,
          { actorId: null, siteId: site.id },
          {
            action: 'guest.access.expired',
            targetType: 'user',
            targetId: row.userId,
            targetUserId: row.userId,
            before: { accessExpiresAt: iso(row.accessExpiresAt), space: assignment?.space.key ?? null, status: row.suspendedAt ? 'SUSPENDED' : 'ACTIVE' },
            after: { space: null, status: 'SUSPENDED', sessionsRevoked: sessions.count },
          },
        );
      }
      return rows.length;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

export type GuestAccessExpiringPayload = {
  siteName: string;
  guestUserId: string;
  guestName: string;
  guestEmail: string;
  spaceKey: string | null;
  spaceName: string | null;
  expiresAt: string;
  /** Why this recipient gets it: they invited the guest, or they are a site admin. */
  reason: 'inviter' | 'admin';
};

async function remindBatch(db: Db, site: Site, now: Date): Promise<{ claimed: number; emails: number }> {
  const until = addDays(now, REMINDER_DAYS_BEFORE);
  return db.$transaction(
    async (tx) => {
      const rows = await claim(
        tx,
        site.id,
        Prisma.sql`su."accessExpiresAt" > ${now} AND su."accessExpiresAt" <= ${until} AND su."expiryReminderSentAt" IS NULL AND su."suspendedAt" IS NULL`,
      );
      if (!rows.length) return { claimed: 0, emails: 0 };
      const guestIds = rows.map((r) => r.userId);
      const inviterIds = rows.map((r) => r.invitedById).filter((id): id is string => !!id);
      const people = await tx.user.findMany({ where: { id: { in: [...guestIds, ...inviterIds] } }, select: { id: true, name: true, email: true, active: true } });
      const spaces = await tx.guestSpaceAssignment.findMany({
        where: { siteId: site.id, userId: { in: guestIds } },
        select: { userId: true, space: { select: { key: true, name: true } } },
      });
      const admins = await tx.siteUser.findMany({
        where: { siteId: site.id, isSiteAdmin: true, suspendedAt: null, user: { active: true } },
        select: { user: { select: { email: true } } },
        orderBy: { addedAt: 'asc' },
      });
      const person = new Map(people.map((p) => [p.id, p]));
      const spaceOf = new Map(spaces.map((s) => [s.userId, s.space]));
      let emails = 0;
      for (const row of rows) {
        const { count } = await tx.siteUser.updateMany({
          where: { id: row.id, accessExpiresAt: row.accessExpiresAt, expiryReminderSentAt: null },
          data: { expiryReminderSentAt: now },
        });
        const guest = person.get(row.userId);
        if (count !== 1 || !guest) continue;
        const inviter = row.invitedById ? person.get(row.invitedById) : undefined;
        const recipients = new Map<string, GuestAccessExpiringPayload['reason']>();
        if (inviter?.active) recipients.set(inviter.email, 'inviter');
        for (const admin of admins) if (!recipients.has(admin.user.email)) recipients.set(admin.user.email, 'admin');
        recipients.delete(guest.email);
        const space = spaceOf.get(row.userId) ?? null;
        for (const [to, reason] of recipients) {
          const payload: GuestAccessExpiringPayload = {
            siteName: site.name,
            guestUserId: guest.id,
            guestName: guest.name,
            guestEmail: guest.email,
            spaceKey: space?.key ?? null,
            spaceName: space?.name ?? null,
            expiresAt: row.accessExpiresAt.toISOString(),
            reason,
          };
          await tx.outboxEmail.create({ data: { template: GUEST_EXPIRY_EMAIL_TEMPLATE, to, payload } });
          emails++;
        }
      }
      return { claimed: rows.length, emails };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// The schedule (worker processes)

export const GUEST_EXPIRY_QUEUE = 'guest-expiry';
/** Every five minutes, in UTC: reminders and expiries happen within minutes of their time. */
export const GUEST_EXPIRY_CRON = '*/5 * * * *';

export type GuestExpiryWorkerOptions = {
  databaseUrl: string;
  log: (line: string) => void;
  cron?: string;
  /** How often this process looks for a due run (pg-boss polling). */
  pollIntervalSeconds?: number;
};

export type GuestExpiryWorker = {
  /** Queues a run now (the schedule queues one every five minutes). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Runs runGuestExpiry on a pg-boss schedule. Any number of worker processes may call this: pg-boss
 * files each cron occurrence once (whichever instance's cron pass gets there first), the queue is
 * 'stately' (one run queued and one active at most, across all processes), and runGuestExpiry
 * itself is safe to run twice at once.
 */
export async function startGuestExpiryWorker(options: GuestExpiryWorkerOptions): Promise<GuestExpiryWorker> {
  const { log } = options;
  const db = createPrismaClient(options.databaseUrl);
  const boss = new PgBoss({ connectionString: options.databaseUrl, max: 2, application_name: 'portico-guest-expiry' });
  let stopped = false;
  boss.on('error', (error) => {
    if (!stopped) log(`Guest expiry queue error: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    await boss.start();
    await boss.createQueue(GUEST_EXPIRY_QUEUE, { policy: 'stately', retryLimit: 3, retryDelay: 60, expireInSeconds: 900 });
    // A deployment that was down catches up with one run, not one per missed occurrence.
    await boss.schedule(GUEST_EXPIRY_QUEUE, options.cron ?? GUEST_EXPIRY_CRON, {}, { tz: 'UTC', missed: 'once' });
    await boss.work(GUEST_EXPIRY_QUEUE, { batchSize: 1, pollingIntervalSeconds: options.pollIntervalSeconds ?? 10 }, async () => {
      const result = await runGuestExpiry(db, new Date());
      if (result.expired || result.reminded) {
        log(`Guest access expiry: ${result.expired} guest(s) expired, ${result.reminded} reminder(s) queued (${result.emails} email(s)).`);
      }
      return result;
    });
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    await db.$disconnect();
    throw error;
  }
  return {
    async runNow() {
      await boss.send(GUEST_EXPIRY_QUEUE, {});
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, timeout: 15_000 });
      await db.$disconnect();
    },
  };
}
