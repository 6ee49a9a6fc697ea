// Security → External users: the organization's external-user policy (two-step verification,
// session expiration, idle timeout, API token access), reviewing who a change affects before
// saving it, "Reset sessions", and the CSV export. Enforcement is in lib/access/viewer.ts, which
// reads the policy on every request, so a saved change applies on the very next one.
import { z } from 'zod';
import type { Db } from '../db/client';
import { assertCan, type Viewer } from '../access/policy';
import { writeAudit, type AuditContext } from '../audit';
import { csvRow } from '../csv';
import { isExternalDomain } from '../email-address';
import { DomainError } from '../result';
import { DEFAULT_POLICY, requiredMethod, sessionVerdict, tokenVerdict, type PolicyFacts, type TwoStepMethod } from './verification';

export const MIN_SESSION_MINUTES = 15;
export const MAX_SESSION_MINUTES = 30 * 24 * 60;

/** The choices offered between 15 minutes and 30 days (Atlassian documents only the range). */
export const DURATION_OPTIONS: { minutes: number; label: string }[] = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 2 * 60, label: '2 hours' },
  { minutes: 4 * 60, label: '4 hours' },
  { minutes: 8 * 60, label: '8 hours' },
  { minutes: 12 * 60, label: '12 hours' },
  { minutes: 24 * 60, label: '1 day' },
  { minutes: 3 * 24 * 60, label: '3 days' },
  { minutes: 7 * 24 * 60, label: '7 days' },
  { minutes: 14 * 24 * 60, label: '14 days' },
  { minutes: 30 * 24 * 60, label: '30 days' },
];

export const TWO_STEP_LABELS: Record<TwoStepMethod, string> = {
  NONE: 'None',
  EMAIL_OTP: 'One-time passcode by email',
  TOTP: 'Authenticator app required',
};

export function durationLabel(minutes: number | null): string {
  if (minutes === null) return 'Off';
  const option = DURATION_OPTIONS.find((o) => o.minutes === minutes);
  if (option) return option.label;
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

const RANGE_MESSAGE = 'Choose between 15 minutes and 30 days.';
const minutes = z.coerce.number({ error: RANGE_MESSAGE }).int(RANGE_MESSAGE).min(MIN_SESSION_MINUTES, RANGE_MESSAGE).max(MAX_SESSION_MINUTES, RANGE_MESSAGE);

export const PolicyInput = z
  .object({
    twoStepMethod: z.enum(['NONE', 'EMAIL_OTP', 'TOTP'], { error: 'Choose how external users verify their identity.' }),
    sessionMaxMinutes: minutes,
    idleTimeoutMinutes: z.union([z.literal('OFF'), z.literal(''), z.null(), minutes]).transform((v) => (v === 'OFF' || v === '' || v === null ? null : v)),
    apiTokens: z.enum(['ALLOW', 'BLOCK'], { error: 'Choose Allow or Block.' }),
  })
  .refine((p) => p.idleTimeoutMinutes === null || p.idleTimeoutMinutes <= p.sessionMaxMinutes, {
    message: 'The idle session timeout can’t be longer than the session expiration.',
    path: ['idleTimeoutMinutes'],
  });
export type PolicyInput = z.input<typeof PolicyInput>;
type ParsedPolicy = z.output<typeof PolicyInput>;

/** The policy as last saved: its `version` is what an update must have been reviewed against. */
export const UpdatePolicyInput = z.intersection(PolicyInput, z.object({ version: z.string().max(64) }));

export type PolicyView = PolicyFacts & { version: string; updatedAt: Date | null };

async function organizationOf(db: Db, siteId: string) {
  return db.site.findUniqueOrThrow({
    where: { id: siteId },
    select: { organizationId: true, organization: { select: { externalPolicy: true, verifiedDomains: { select: { domain: true } } } } },
  });
}

function view(row: (PolicyFacts & { updatedAt: Date }) | null): PolicyView {
  if (!row) return { ...DEFAULT_POLICY, version: 'default', updatedAt: null };
  const { twoStepMethod, sessionMaxMinutes, idleTimeoutMinutes, apiTokensAllowed, sessionsResetAt, updatedAt } = row;
  return { twoStepMethod, sessionMaxMinutes, idleTimeoutMinutes, apiTokensAllowed, sessionsResetAt, updatedAt, version: updatedAt.toISOString() };
}

export async function getExternalPolicy(db: Db, viewer: Viewer): Promise<PolicyView> {
  assertCan(viewer, 'admin.security.manage');
  return view((await organizationOf(db, viewer.site.id)).organization.externalPolicy);
}

function parsePolicy(raw: unknown): ParsedPolicy {
  const parsed = PolicyInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
    throw new DomainError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Check the highlighted fields.', fieldErrors);
  }
  return parsed.data;
}

const toFacts = (p: ParsedPolicy, resetAt: Date | null): PolicyFacts => ({
  twoStepMethod: p.twoStepMethod,
  sessionMaxMinutes: p.sessionMaxMinutes,
  idleTimeoutMinutes: p.idleTimeoutMinutes,
  apiTokensAllowed: p.apiTokens === 'ALLOW',
  sessionsResetAt: resetAt,
});

// ---------------------------------------------------------------------------------------------
// External users of the site

export type ExternalUserRow = {
  id: string;
  name: string;
  email: string;
  suspended: boolean;
  space: string | null;
  lastActiveAt: Date | null;
  twoStep: 'AUTHENTICATOR' | 'SETTING_UP' | 'NONE';
  lastVerifiedAt: Date | null;
  apiTokensInUse: number;
};

type ExternalUserFacts = ExternalUserRow & {
  hasAuthenticator: boolean;
  sessions: { createdAt: Date; verifiedAt: Date; secondFactorAt: Date | null; lastSeenAt: Date }[];
  lastSecondFactorAt: Date | null;
};

/** What an admin sees of a person (no session details). */
const toRow = (u: ExternalUserFacts): ExternalUserRow => ({
  id: u.id,
  name: u.name,
  email: u.email,
  suspended: u.suspended,
  space: u.space,
  lastActiveAt: u.lastActiveAt,
  twoStep: u.twoStep,
  lastVerifiedAt: u.lastVerifiedAt,
  apiTokensInUse: u.apiTokensInUse,
});

export const TWO_STEP_STATUS_LABELS: Record<ExternalUserRow['twoStep'], string> = {
  AUTHENTICATOR: 'Authenticator app',
  SETTING_UP: 'Setting up',
  NONE: 'Not set up',
};

/** Everyone on the site whose address is outside the organization's verified domains. */
async function externalUsers(db: Db, siteId: string, now: Date): Promise<ExternalUserFacts[]> {
  const site = await organizationOf(db, siteId);
  const domains = site.organization.verifiedDomains.map((d) => d.domain);
  const rows = await db.siteUser.findMany({
    where: { siteId },
    orderBy: [{ user: { name: 'asc' } }, { userId: 'asc' }],
    select: {
      suspendedAt: true,
      user: {
        select: {
          id: true,
          name: true,
          email: true,
          emailDomain: true,
          lastActiveAt: true,
          authenticator: { select: { confirmedAt: true } },
          apiTokens: { where: { revokedAt: null, expiresAt: { gt: now } }, select: { id: true } },
          guestAssignment: { where: { siteId }, select: { space: { select: { key: true, name: true } } } },
          sessions: {
            where: { revokedAt: null },
            select: { createdAt: true, verifiedAt: true, secondFactorAt: true, lastSeenAt: true, expiresAt: true },
          },
        },
      },
    },
  });
  return rows
    .filter((row) => isExternalDomain(row.user.emailDomain, domains))
    .map(({ suspendedAt, user }) => {
      const space = user.guestAssignment[0]?.space;
      const all = user.sessions;
      const latest = (pick: (s: (typeof all)[number]) => Date | null) =>
        all.reduce<Date | null>((max, s) => {
          const value = pick(s);
          return value && (!max || value > max) ? value : max;
        }, null);
      return {
        id: user.id,
        name: user.name,
        email: user.email,
        suspended: suspendedAt !== null,
        space: space ? `${space.name} (${space.key})` : null,
        lastActiveAt: user.lastActiveAt,
        twoStep: user.authenticator?.confirmedAt ? 'AUTHENTICATOR' : user.authenticator ? 'SETTING_UP' : 'NONE',
        lastVerifiedAt: latest((s) => s.verifiedAt),
        apiTokensInUse: user.apiTokens.length,
        hasAuthenticator: !!user.authenticator?.confirmedAt,
        sessions: all.filter((s) => s.expiresAt > now),
        lastSecondFactorAt: latest((s) => s.secondFactorAt),
      } satisfies ExternalUserFacts;
    });
}

// ---------------------------------------------------------------------------------------------
// Review before saving

export type PolicyChange = { setting: string; before: string; after: string };
export type AffectedUser = ExternalUserRow & { effects: string[] };
export type PolicyReview = {
  version: string;
  changes: PolicyChange[];
  counts: { mustEnroll: number; mustUsePasscode: number; mustReverify: number; tokensStop: number };
  /** The counts as sentences ("12 external users will have to set up two-step verification at their next sign-in"). */
  summary: string[];
  affected: AffectedUser[];
  totalExternalUsers: number;
};

const people = (n: number) => `${n} external user${n === 1 ? '' : 's'}`;

function describeChanges(before: PolicyFacts, after: PolicyFacts): PolicyChange[] {
  const changes: PolicyChange[] = [];
  if (before.twoStepMethod !== after.twoStepMethod) {
    changes.push({ setting: 'Two-step verification', before: TWO_STEP_LABELS[before.twoStepMethod], after: TWO_STEP_LABELS[after.twoStepMethod] });
  }
  if (before.sessionMaxMinutes !== after.sessionMaxMinutes) {
    changes.push({ setting: 'Session expiration', before: durationLabel(before.sessionMaxMinutes), after: durationLabel(after.sessionMaxMinutes) });
  }
  if (before.idleTimeoutMinutes !== after.idleTimeoutMinutes) {
    changes.push({ setting: 'Idle session timeout', before: durationLabel(before.idleTimeoutMinutes), after: durationLabel(after.idleTimeoutMinutes) });
  }
  if (before.apiTokensAllowed !== after.apiTokensAllowed) {
    changes.push({ setting: 'API token access', before: before.apiTokensAllowed ? 'Allow' : 'Block', after: after.apiTokensAllowed ? 'Allow' : 'Block' });
  }
  return changes;
}

/**
 * Who a policy change affects, person by person, computed with the same rules the enforcement uses
 * (lib/security/verification.ts): who must set up an authenticator app or use emailed passcodes,
 * whose open sessions must verify again at once, and which API tokens stop working.
 */
export async function reviewPolicyChange(db: Db, viewer: Viewer, raw: unknown, now = new Date()): Promise<PolicyReview> {
  assertCan(viewer, 'admin.security.manage');
  const input = parsePolicy(raw);
  const current = view((await organizationOf(db, viewer.site.id)).organization.externalPolicy);
  const next = toFacts(input, current.sessionsResetAt);
  const users = await externalUsers(db, viewer.site.id, now);
  const counts = { mustEnroll: 0, mustUsePasscode: 0, mustReverify: 0, tokensStop: 0 };
  const affected: AffectedUser[] = [];
  for (const user of users) {
    if (user.suspended) continue; // the policy applies to people with usable access
    const effects: string[] = [];
    const methodBefore = requiredMethod(true, current, user.hasAuthenticator);
    const methodAfter = requiredMethod(true, next, user.hasAuthenticator);
    if (methodAfter === 'TOTP' && !user.hasAuthenticator && methodBefore !== 'TOTP') {
      counts.mustEnroll++;
      effects.push('Must set up an authenticator app at their next sign-in');
    } else if (methodAfter === 'EMAIL_OTP' && methodBefore !== 'EMAIL_OTP') {
      counts.mustUsePasscode++;
      effects.push('Will be asked for a one-time passcode by email at their next sign-in');
    }
    const state = (policy: PolicyFacts, session: ExternalUserFacts['sessions'][number]) =>
      sessionVerdict({ subject: true, policy, hasAuthenticator: user.hasAuthenticator, session, now }).state;
    // Open sessions that must verify again now, for other reasons than the new method just counted.
    const reverify = effects.length === 0 && user.sessions.some((s) => state(current, s) === 'OK' && state(next, s) !== 'OK');
    if (reverify) {
      counts.mustReverify++;
      effects.push('Must verify again on their next request');
    }
    if (user.apiTokensInUse > 0) {
      const token = (policy: PolicyFacts) =>
        policy.apiTokensAllowed &&
        tokenVerdict({ subject: true, policy, hasAuthenticator: user.hasAuthenticator, lastSecondFactorAt: user.lastSecondFactorAt, now }).state === 'OK';
      if (token(current) && !token(next)) {
        counts.tokensStop += user.apiTokensInUse;
        effects.push(
          next.apiTokensAllowed
            ? `${user.apiTokensInUse === 1 ? 'Their API token stops' : `Their ${user.apiTokensInUse} API tokens stop`} working until they verify in the browser`
            : `${user.apiTokensInUse === 1 ? 'Their API token stops' : `Their ${user.apiTokensInUse} API tokens stop`} working`,
        );
      }
    }
    if (effects.length) affected.push({ ...toRow(user), effects });
  }
  const summary: string[] = [];
  if (counts.mustEnroll) summary.push(`${people(counts.mustEnroll)} will have to set up two-step verification at their next sign-in`);
  if (counts.mustUsePasscode) summary.push(`${people(counts.mustUsePasscode)} will have to enter a one-time passcode from their email at their next sign-in`);
  if (counts.mustReverify) summary.push(`${people(counts.mustReverify)} will have to verify their identity again on their next request`);
  if (counts.tokensStop) summary.push(`${counts.tokensStop} API token${counts.tokensStop === 1 ? '' : 's'} will stop working`);
  return {
    version: current.version,
    changes: describeChanges(current, next),
    counts,
    summary,
    affected,
    totalExternalUsers: users.length,
  };
}

/**
 * Saves the policy. `version` is the one the admin reviewed: if someone saved in the meantime, the
 * change is refused so it can be reviewed again. Audited as 'security.policy.changed'.
 */
export async function updateExternalPolicy(db: Db, viewer: Viewer, raw: unknown, audit: AuditContext): Promise<{ changed: boolean; policy: PolicyView }> {
  assertCan(viewer, 'admin.security.manage');
  const version = typeof (raw as { version?: unknown })?.version === 'string' ? (raw as { version: string }).version : '';
  const input = parsePolicy(raw);
  const { organizationId } = await organizationOf(db, viewer.site.id);
  return db.$transaction(async (tx) => {
    // Serializes concurrent saves of this organization's policy.
    await tx.$executeRaw`SELECT 1 FROM "Organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
    const row = await tx.externalUserPolicy.findUnique({ where: { organizationId } });
    const before = view(row);
    if (before.version !== version) {
      throw new DomainError('CONFLICT', 'The policy was changed by someone else since you reviewed it. Review the change again.');
    }
    const next = toFacts(input, before.sessionsResetAt);
    const changes = describeChanges(before, next);
    if (changes.length === 0) return { changed: false, policy: before };
    const data = {
      twoStepMethod: next.twoStepMethod,
      sessionMaxMinutes: next.sessionMaxMinutes,
      idleTimeoutMinutes: next.idleTimeoutMinutes,
      apiTokensAllowed: next.apiTokensAllowed,
    };
    const saved = await tx.externalUserPolicy.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
    const snapshot = (p: PolicyFacts) => ({
      twoStepMethod: p.twoStepMethod,
      sessionMaxMinutes: p.sessionMaxMinutes,
      idleTimeoutMinutes: p.idleTimeoutMinutes,
      apiTokensAllowed: p.apiTokensAllowed,
    });
    await writeAudit(tx, audit, {
      action: 'security.policy.changed',
      targetType: 'external_user_policy',
      targetId: saved.id,
      before: snapshot(before),
      after: snapshot(next),
    });
    return { changed: true, policy: view(saved) };
  });
}

/**
 * "Reset sessions": every external user is signed out now. Sessions started before this instant
 * are refused by lib/access/viewer.ts; the open ones are also revoked here. Audited.
 */
export async function resetExternalSessions(db: Db, viewer: Viewer, audit: AuditContext, now = new Date()): Promise<{ sessionsEnded: number; users: number }> {
  assertCan(viewer, 'admin.security.manage');
  const users = (await externalUsers(db, viewer.site.id, now)).map((u) => u.id);
  const { organizationId } = await organizationOf(db, viewer.site.id);
  return db.$transaction(async (tx) => {
    const before = await tx.externalUserPolicy.findUnique({ where: { organizationId }, select: { sessionsResetAt: true } });
    const saved = await tx.externalUserPolicy.upsert({ where: { organizationId }, create: { organizationId, sessionsResetAt: now }, update: { sessionsResetAt: now } });
    const ended = await tx.session.updateMany({ where: { userId: { in: users }, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
    await writeAudit(tx, audit, {
      action: 'security.sessions.reset',
      targetType: 'external_user_policy',
      targetId: saved.id,
      before: { sessionsResetAt: before?.sessionsResetAt?.toISOString() ?? null },
      after: { sessionsResetAt: now.toISOString(), sessionsEnded: ended.count },
    });
    return { sessionsEnded: ended.count, users: users.length };
  });
}

// ---------------------------------------------------------------------------------------------
// Listing and export

export async function listExternalUsers(db: Db, viewer: Viewer, now = new Date()): Promise<ExternalUserRow[]> {
  assertCan(viewer, 'admin.security.manage');
  return (await externalUsers(db, viewer.site.id, now)).map(toRow);
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');

export const EXTERNAL_USERS_CSV_HEADER = ['Name', 'Email', 'Account ID', 'Status', 'Space', 'Last active', 'Two-step verification', 'Last verified', 'API tokens in use'];

/** "Export external users": one CSV (formula-safe, lib/csv.ts). */
export async function externalUsersCsv(db: Db, viewer: Viewer, now = new Date()): Promise<string> {
  const rows = await listExternalUsers(db, viewer, now);
  return (
    csvRow(EXTERNAL_USERS_CSV_HEADER) +
    rows
      .map((r) =>
        csvRow([r.name, r.email, r.id, r.suspended ? 'Suspended' : 'Active', r.space ?? '', iso(r.lastActiveAt), TWO_STEP_STATUS_LABELS[r.twoStep], iso(r.lastVerifiedAt), r.apiTokensInUse]),
      )
      .join('')
  );
}

export function externalUsersExportFilename(now = new Date()): string {
  return `external-users-${now.toISOString().slice(0, 10)}.csv`;
}
