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

/** Several entries of one change (a batch), in one statement. */
export async function writeAudits(tx: Tx, context: AuditContext, entries: AuditEntry[]) {
  if (!entries.length) return;
  await tx.auditEvent.createMany({ data: entries.map((entry) => auditRow(context, entry)) });
}
