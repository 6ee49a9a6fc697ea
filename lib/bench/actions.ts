// The benchmark's two actions, through their HTTP APIs (the same domain functions the screens'
// server actions call): Invite users with 500 new addresses per request (the organization admin
// API, grantAccess), and adding one person to a space (the Jira REST project-role API,
// addPeople). Each request changes something new, so autocannon builds every body itself.
import autocannon from 'autocannon';
import pg from 'pg';
import type { Db } from '../db/client';
import { loadAccessFor } from '../access/viewer';
import { createOrgApiKey, revokeOrgApiKey } from '../org-api/keys';
import { createApiToken, revokeApiToken } from '../api-tokens';
import { jiraResourceId, ROLE_IDS } from '../org-api/shapes';
import { percentile, type LoadResult } from './load';
import type { DbFloor } from './db-floor';

export const INVITE_BATCH = 500;
const MEMBER_ROLE_ID = 10003;

type Credentials = { orgId: string; siteId: string; orgKey: string; orgKeyId: string; token: string; tokenId: string; spaceAdminEmail: string; cleanup: () => Promise<void> };

async function viewerOf(db: Db, email: string) {
  const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, emailDomain: true } });
  return loadAccessFor(db, user, 'bench');
}

/** An organization API key for the site admin and an API token for the space admin, revoked by cleanup(). */
export async function benchCredentials(db: Db, adminEmail: string, spaceAdminEmail: string): Promise<Credentials> {
  const admin = await viewerOf(db, adminEmail);
  const spaceAdmin = await viewerOf(db, spaceAdminEmail);
  const audit = (viewer: typeof admin) => ({ actorId: viewer.userId, siteId: viewer.site.id, ip: '127.0.0.1', userAgent: 'npm run bench' });
  const key = await createOrgApiKey(db, admin, { name: `bench ${new Date().toISOString()}`, expiresInDays: 1 }, audit(admin));
  const token = await createApiToken(db, spaceAdmin, { name: `bench ${new Date().toISOString()}`, expiresInDays: 1 }, audit(spaceAdmin));
  return {
    orgId: key.organizationId,
    siteId: admin.site.id,
    orgKey: key.key,
    orgKeyId: key.id,
    token: token.token,
    tokenId: token.id,
    spaceAdminEmail,
    cleanup: async () => {
      await revokeOrgApiKey(db, admin, key.id, audit(admin)).catch(() => {});
      await revokeApiToken(db, spaceAdmin, token.id, audit(spaceAdmin)).catch(() => {});
    },
  };
}

/** autocannon, one connection, `amount` requests whose bodies `bodyOf(i)` makes; latency of each. */
async function post(url: string, headers: Record<string, string>, amount: number, bodyOf: (i: number) => string): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: 1,
        amount,
        timeout: 120,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, setupRequest: (request) => ({ ...request, body: bodyOf(next++) }) }],
      },
      (error, res) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: result.requests.average, requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

const inviteAddress = (run: string, request: number, i: number) => `bench-${run}-${request}-${i}@invite-bench.example`;

/** Invite users: `amount` requests of INVITE_BATCH new guest addresses each. */
export function benchInvite(baseUrl: string, c: Credentials, run: string, amount: number): Promise<LoadResult> {
  return post(`${baseUrl}/admin/v2/orgs/${c.orgId}/users/invite`, { authorization: `Bearer ${c.orgKey}` }, amount, (i) =>
    JSON.stringify({
      emails: Array.from({ length: INVITE_BATCH }, (_, k) => inviteAddress(run, i, k)),
      permissionRules: [{ resource: jiraResourceId(c.siteId), role: ROLE_IDS.GUEST }],
    }),
  );
}

/** Add to space: one licensed person (not yet in it) per request, as a Member. */
export function benchAddToSpace(baseUrl: string, c: Credentials, spaceKey: string, people: string[]): Promise<LoadResult> {
  const basic = Buffer.from(`${c.spaceAdminEmail}:${c.token}`).toString('base64');
  return post(`${baseUrl}/rest/api/3/project/${spaceKey}/role/${MEMBER_ROLE_ID}`, { authorization: `Basic ${basic}` }, people.length, (i) => JSON.stringify({ user: [people[i]] }));
}

/** Licensed people on the site who are not in `spaceKey` (candidates for benchAddToSpace). */
export async function peopleOutside(client: pg.Client, siteId: string, jiraAppId: string, spaceKey: string, count: number): Promise<string[]> {
  const rows = await client.query<{ id: string }>(
    `SELECT su."userId" AS id FROM "SiteUser" su JOIN "AppRole" r ON r."appId" = $2 AND r."userId" = su."userId" AND r."role" = 'USER'
     JOIN "User" u ON u."id" = su."userId" AND u."active"
     WHERE su."siteId" = $1 AND su."suspendedAt" IS NULL
       AND NOT EXISTS (SELECT 1 FROM "SpaceMembership" m JOIN "Space" s ON s."id" = m."spaceId" WHERE s."siteId" = $1 AND s."key" = $3 AND m."userId" = su."userId")
     ORDER BY su."addedAt" DESC LIMIT $4`,
    [siteId, jiraAppId, spaceKey, count],
  );
  return rows.rows.map((r) => r.id);
}

/**
 * The database floor of an action: the same rows written with raw SQL in one transaction, rolled
 * back (nothing to clean up, and the worker never sees them). Median of `runs`.
 */
async function timeWrites(client: pg.Client, runs: number, write: (i: number) => Promise<void>): Promise<DbFloor> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await client.query('BEGIN');
    try {
      await write(i);
    } finally {
      await client.query('ROLLBACK');
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), runs, rows: 0 };
}

/** 500 invitations, their 500 emails and 500 audit events, set-based. */
export function inviteFloor(client: pg.Client, siteId: string, jiraAppId: string, adminId: string, runs: number): Promise<DbFloor> {
  return timeWrites(client, runs, async (i) => {
    await client.query(
      `WITH inv AS (
         INSERT INTO "Invitation" ("id", "siteId", "appId", "email", "openEmail", "role", "tokenHash", "invitedById", "expiresAt", "updatedAt")
         SELECT 'floor' || $4 || '-' || g, $1, $2, 'floor-' || $4 || '-' || g || '@invite-bench.example', 'floor-' || $4 || '-' || g || '@invite-bench.example',
           'GUEST', md5('floor' || $4 || g) || md5(g::text), $3, now() + interval '30 days', now()
         FROM generate_series(1, ${INVITE_BATCH}) g
         RETURNING "id", "email"),
       mail AS (
         INSERT INTO "OutboxEmail" ("id", "template", "to", "invitationId", "payload")
         SELECT 'floor-mail-' || inv."id", 'invitation', inv."email", inv."id", jsonb_build_object('token', md5(inv."id"), 'role', 'GUEST') FROM inv)
       INSERT INTO "AuditEvent" ("siteId", "actorId", "action", "targetType", "targetId", "after")
       SELECT $1, $3, 'invitation.created', 'invitation', inv."id", jsonb_build_object('email', inv."email", 'role', 'GUEST') FROM inv`,
      [siteId, jiraAppId, adminId, `${Date.now()}-${i}`],
    );
  });
}

/**
 * One membership and its audit event, then what the answer carries: Jira's POST returns the
 * role with all its actors (id, display name, in name order), so their read is part of the same data.
 */
export function addToSpaceFloor(client: pg.Client, siteId: string, spaceKey: string, actorId: string, people: string[], runs: number): Promise<DbFloor> {
  return timeWrites(client, runs, async (i) => {
    await client.query(
      `WITH m AS (
         INSERT INTO "SpaceMembership" ("id", "spaceId", "userId", "role")
         SELECT 'floor-m-' || $4, s."id", $3, 'MEMBER' FROM "Space" s WHERE s."siteId" = $1 AND s."key" = $2
         RETURNING "id", "userId")
       INSERT INTO "AuditEvent" ("siteId", "actorId", "action", "targetType", "targetId", "targetUserId", "after")
       SELECT $1, $5, 'space.member.added', 'space', $2, m."userId", jsonb_build_object('role', 'MEMBER') FROM m`,
      [siteId, spaceKey, people[i % people.length], `${Date.now()}-${i}`, actorId],
    );
    await client.query(
      `SELECT m."id", m."userId", u."name" FROM "Space" s JOIN "SpaceMembership" m ON m."spaceId" = s."id" JOIN "User" u ON u."id" = m."userId"
       WHERE s."siteId" = $1 AND s."key" = $2 AND m."role" = 'MEMBER' ORDER BY u."name", m."userId"`,
      [siteId, spaceKey],
    );
  });
}

/**
 * Puts the site back as the actions found it, so that every run measures the same data: the
 * benchmark's invitations (this run's and any an interrupted run left) with their emails and audit
 * events, and the memberships `people` were given in `spaceKey` since `since`, with theirs.
 */
export async function undoBenchActions(client: pg.Client, siteId: string, spaceKey: string, people: string[], since: Date) {
  // Ids first, then deletes by key or index range: with a subquery the planner once joined
  // AuditEvent's 20,000 invitation events to a scan of Invitation per row (minutes).
  const invitations = (await client.query<{ id: string }>(`SELECT "id" FROM "Invitation" WHERE "siteId" = $1 AND "email" LIKE '%@invite-bench.example'`, [siteId]))
    .rows.map((row) => row.id);
  const space = (await client.query<{ id: string }>(`SELECT "id" FROM "Space" WHERE "siteId" = $1 AND "key" = $2`, [siteId, spaceKey])).rows[0];
  await client.query('BEGIN');
  try {
    // The (siteId, action, createdAt, id) index reads each action's events; the ids are hashed.
    await client.query(`DELETE FROM "AuditEvent" WHERE "siteId" = $1 AND "action" = 'invitation.created' AND "targetId" = ANY($2::text[])`, [siteId, invitations]);
    await client.query(`DELETE FROM "OutboxEmail" WHERE "invitationId" = ANY($1::text[])`, [invitations]);
    await client.query(`DELETE FROM "Invitation" WHERE "id" = ANY($1::text[])`, [invitations]);
    if (space) {
      await client.query(
        `DELETE FROM "AuditEvent" WHERE "siteId" = $1 AND "action" = 'space.member.added' AND "createdAt" >= ($4::timestamptz AT TIME ZONE 'UTC')
           AND "targetId" = $2 AND "targetUserId" = ANY($3::text[])`,
        [siteId, space.id, people, since],
      );
      await client.query(
        `DELETE FROM "SpaceMembership" WHERE "spaceId" = $1 AND "userId" = ANY($2::text[]) AND "createdAt" >= ($3::timestamptz AT TIME ZONE 'UTC')`,
        [space.id, people, since],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  // The deleted rows' index entries would otherwise linger in the next run's range scans.
  await client.query('VACUUM ANALYZE "Invitation", "SpaceMembership", "OutboxEmail"');
}

/**
 * The mail worker's delivery rate into the SMTP sink: once every email queued since `since` has
 * left the outbox (or `timeoutMs` passed), sent messages ÷ seconds from the first to the last send.
 */
export async function deliveryRate(client: pg.Client, since: Date, timeoutMs: number): Promise<{ sent: number; pending: number; seconds: number; perSecond: number }> {
  const deadline = Date.now() + timeoutMs;
  let row: { sent: string; pending: string; first: Date | null; last: Date | null };
  do {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    row = (await client.query(
      `SELECT count(*) FILTER (WHERE "state" = 'SENT') AS sent, count(*) FILTER (WHERE "state" = 'PENDING') AS pending,
              min("sentAt") AS first, max("sentAt") AS last
       FROM "OutboxEmail" WHERE "createdAt" >= $1`,
      [since],
    )).rows[0];
  } while (Number(row.pending) > 0 && Date.now() < deadline);
  const seconds = row.first && row.last ? (row.last.getTime() - row.first.getTime()) / 1000 : NaN;
  const sent = Number(row.sent);
  return { sent, pending: Number(row.pending), seconds, perSecond: seconds > 0 ? (sent - 1) / seconds : NaN };
}
