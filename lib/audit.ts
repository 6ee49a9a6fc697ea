import type { Prisma } from './db/generated/client';

type Tx = Prisma.TransactionClient;

export type AuditContext = { actorId: string | null; siteId: string | null; ip?: string | null; userAgent?: string | null };

export type AuditEntry = {
  action: string;
  targetType?: string;
  targetId?: string;
  targetUserId?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

/** The stored row of one entry: who, from where, what, on whom, before and after. */
function auditRow(context: AuditContext, entry: AuditEntry) {
  return {
    siteId: context.siteId,
    actorId: context.actorId,
    ip: context.ip ?? null,
    userAgent: context.userAgent ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    targetUserId: entry.targetUserId ?? null,
    before: entry.before,
    after: entry.after,
  };
}

/** Every administrative change writes one of these, in the same transaction as the change. */
export async function writeAudit(tx: Tx, context: AuditContext, entry: AuditEntry) {
  await tx.auditEvent.create({ data: auditRow(context, entry) });
}

const jsonOrNull = (value: Prisma.InputJsonValue | undefined) => (value === undefined ? null : JSON.stringify(value));

/**
 * Several entries of one change (a batch), in one statement. Raw SQL with one array per column:
 * Prisma's createMany binds every value of every row separately, and building that statement for
 * a 500-address invite cost more than the database's work.
 */
export async function writeAudits(tx: Tx, context: AuditContext, entries: AuditEntry[]) {
  if (!entries.length) return;
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("siteId", "actorId", "ip", "userAgent", "action", "targetType", "targetId", "targetUserId", "before", "after", "createdAt")
    SELECT ${context.siteId}::text, ${context.actorId}::text, ${context.ip ?? null}::text, ${context.userAgent ?? null}::text,
      e."action", e."targetType", e."targetId", e."targetUserId", e."before", e."after", ${new Date()}
    FROM unnest(
      ${entries.map((e) => e.action)}::text[], ${entries.map((e) => e.targetType ?? null)}::text[], ${entries.map((e) => e.targetId ?? null)}::text[],
      ${entries.map((e) => e.targetUserId ?? null)}::text[], ${entries.map((e) => jsonOrNull(e.before))}::jsonb[], ${entries.map((e) => jsonOrNull(e.after))}::jsonb[]
    ) WITH ORDINALITY AS e("action", "targetType", "targetId", "targetUserId", "before", "after", "position")
    ORDER BY e."position"`;
}
