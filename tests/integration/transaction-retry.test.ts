// Serialization failures and deadlocks, provoked for real on PostgreSQL, through the same client
// the product uses (createPrismaClient → lib/db/retry.ts).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { seedDemo } from '@/prisma/seed';
import { createPrismaClient, type Db } from '@/lib/db/client';
import { isRetryableTransactionError, TRANSACTION_CONFLICT_MESSAGE, TransactionConflictError, withRetryableTransaction } from '@/lib/db/retry';
import { createApiToken } from '@/lib/api-tokens';
import { createOrgApiKey } from '@/lib/org-api/keys';
import { handleRest } from '@/lib/rest/handler';
import { handleOrgApi } from '@/lib/org-api/handler';
import type { Viewer } from '@/lib/access/policy';
import { defineAction } from '@/lib/actions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { auditOf, viewerFor } from '../support/viewers';

// defineAction's session: the site admin's Viewer (loaded for real in beforeAll).
const session = vi.hoisted(() => ({ viewer: null as unknown }));
vi.mock('server-only', () => ({}));
vi.mock('@/lib/auth', () => ({ getViewer: async () => session.viewer, requestInfo: async () => ({ ip: '203.0.113.10', userAgent: 'vitest' }) }));

let t: TestDatabase;
let other: Db; // a second pool, as a second app instance would have
let alana: Viewer;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `count` parties have arrived. */
function barrier(count: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

async function rows() {
  const probe = await t.db.$queryRaw<{ id: number; v: number }[]>`SELECT id, v FROM retry_probe ORDER BY id`;
  const log = await t.db.$queryRaw<{ who: string; attempt: number }[]>`SELECT who, attempt FROM retry_log ORDER BY who, attempt`;
  return { probe: probe.map((r) => [r.id, r.v]), log: log.map((r) => `${r.who}#${r.attempt}`) };
}

/**
 * Inside a product transaction: locks row 1, lets a separate connection lock row 2 and wait for
 * row 1, then asks for row 2: a real deadlock, of which this transaction is the victim (its
 * deadlock_timeout is shorter, so PostgreSQL's detector runs in its backend first). The other
 * connection then commits.
 */
async function loseADeadlock(tx: Pick<Db, '$executeRaw'>, sides: Promise<unknown>[]) {
  await tx.$executeRaw`SET LOCAL deadlock_timeout = '50ms'`;
  await tx.$executeRaw`UPDATE retry_probe SET v = v + 1 WHERE id = 1`;
  const side = new pg.Client({ connectionString: t.url });
  await side.connect();
  await side.query(`SET deadlock_timeout = '10s'`);
  await side.query('BEGIN');
  await side.query('UPDATE retry_probe SET v = v + 100 WHERE id = 2');
  sides.push(
    side
      .query('UPDATE retry_probe SET v = v + 100 WHERE id = 1')
      .then(() => side.query('COMMIT'))
      .finally(() => side.end()),
  );
  await sleep(150); // the other connection is now waiting for row 1
  await tx.$executeRaw`UPDATE retry_probe SET v = v + 1 WHERE id = 2`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  other = createPrismaClient(t.url);
  await seedDemo(t.db);
  alana = await viewerFor(t.db, 'alana.admin@acme.com');
  session.viewer = alana;
  await t.db.$executeRaw`CREATE TABLE retry_probe (id int PRIMARY KEY, v int NOT NULL)`;
  await t.db.$executeRaw`CREATE TABLE retry_log (who text NOT NULL, attempt int NOT NULL, seen int)`;
});
afterAll(async () => {
  await other.$disconnect();
  await t.drop();
});

async function reset() {
  await t.db.$executeRaw`TRUNCATE retry_probe, retry_log`;
  await t.db.$executeRaw`INSERT INTO retry_probe VALUES (1, 0), (2, 0)`;
}

describe('deadlocks and serialization failures are retried, then reported as a clear conflict', () => {
  it('a deadlock between two transactions locking rows in opposite order: the victim runs again and both changes land once', async () => {
    await reset();
    const arrive = barrier(2);
    const attempts = { a: 0, b: 0 };
    const transfer = (db: Db, who: 'a' | 'b', first: number, second: number) =>
      db.$transaction(async (tx) => {
        const attempt = ++attempts[who];
        await tx.$executeRaw`INSERT INTO retry_log (who, attempt) VALUES (${who}, ${attempt})`;
        await tx.$executeRaw`UPDATE retry_probe SET v = v + 1 WHERE id = ${first}`;
        if (attempt === 1) await arrive(); // both hold their first row: each now wants the other's
        await tx.$executeRaw`UPDATE retry_probe SET v = v + 1 WHERE id = ${second}`;
        return who;
      });

    const results = await Promise.allSettled([transfer(t.db, 'a', 1, 2), transfer(other, 'b', 2, 1)]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'fulfilled', value: 'b' },
    ]);
    // Exactly one of them was the deadlock's victim and ran a second time.
    expect(attempts.a + attempts.b).toBe(3);
    const after = await rows();
    expect(after.probe).toEqual([
      [1, 2],
      [2, 2],
    ]);
    // The victim's first attempt left nothing behind: one log row per transaction, from its last attempt.
    expect(after.log).toEqual([`a#${attempts.a}`, `b#${attempts.b}`]);
  });

  it('a serialization failure between two SERIALIZABLE transactions (write skew): the loser runs again and sees the winner', async () => {
    await reset();
    const arrive = barrier(2);
    const attempts = { a: 0, b: 0 };
    const bump = (db: Db, who: 'a' | 'b', id: number) =>
      db.$transaction(
        async (tx) => {
          const attempt = ++attempts[who];
          const [{ total }] = await tx.$queryRaw<{ total: number }[]>`SELECT sum(v)::int AS total FROM retry_probe`;
          if (attempt === 1) await arrive(); // both have read the same total
          await tx.$executeRaw`UPDATE retry_probe SET v = v + 1 WHERE id = ${id}`;
          await tx.$executeRaw`INSERT INTO retry_log (who, attempt, seen) VALUES (${who}, ${attempt}, ${total})`;
          return total;
        },
        { isolationLevel: 'Serializable' },
      );

    const [a, b] = await Promise.all([bump(t.db, 'a', 1), bump(other, 'b', 2)]);
    expect(attempts.a + attempts.b).toBe(3);
    // The retried one read the other's committed change: the result is as if they ran one after the other.
    expect([a, b].sort()).toEqual([0, 1]);
    const after = await rows();
    expect(after.probe).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(after.log).toEqual([`a#${attempts.a}`, `b#${attempts.b}`]);
  });

  it('after 3 retries (4 attempts) gives up with "Someone else changed this at the same time. Try again." and keeps none of its writes', async () => {
    await reset();
    const sides: Promise<unknown>[] = [];
    let attempts = 0;
    const run = t.db.$transaction(async (tx) => {
      attempts += 1;
      await tx.$executeRaw`INSERT INTO retry_log (who, attempt) VALUES ('loser', ${attempts})`;
      await loseADeadlock(tx, sides);
    });
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    await Promise.all(sides);
    expect(error).toBeInstanceOf(TransactionConflictError);
    expect((error as Error).message).toBe('Someone else changed this at the same time. Try again.');
    expect((error as TransactionConflictError).code).toBe('CONFLICT');
    expect(isRetryableTransactionError((error as Error).cause)).toBe(true);
    expect(attempts).toBe(4);
    const after = await rows();
    // Only the four competing transactions' changes (+100 on each row, four times); none of the loser's.
    expect(after.probe).toEqual([
      [1, 400],
      [2, 400],
    ]);
    expect(after.log).toEqual([]);
  });

  it('other errors are not retried and pass through unchanged', async () => {
    await reset();
    let attempts = 0;
    const error = await t.db
      .$transaction(async (tx) => {
        attempts += 1;
        await tx.$executeRaw`INSERT INTO retry_probe VALUES (1, 0)`; // duplicate key
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).not.toBeInstanceOf(TransactionConflictError);
    expect(String((error as Error).message)).toMatch(/duplicate key|Unique constraint/);
  });

  it('recognises SQLSTATE 40001 and 40P01 from node-postgres itself and wrapped in another error, and nothing else', async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const raise = (state: string) =>
      client.query(`DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '${state}'; END $$`).catch((e: unknown) => e);
    try {
      const serialization = await raise('40001');
      const deadlock = await raise('40P01');
      const unique = await raise('23505');
      expect(serialization).toBeInstanceOf(pg.DatabaseError);
      expect(isRetryableTransactionError(serialization)).toBe(true);
      expect(isRetryableTransactionError(deadlock)).toBe(true);
      expect(isRetryableTransactionError(new Error('wrapped', { cause: new Error('again', { cause: deadlock }) }))).toBe(true);
      expect(isRetryableTransactionError(unique)).toBe(false);
      expect(isRetryableTransactionError(new Error('deadlock detected'))).toBe(false);
      expect(isRetryableTransactionError(null)).toBe(false);
    } finally {
      await client.end();
    }
    // withRetryableTransaction on its own: bounded by `retries`.
    let calls = 0;
    await expect(
      withRetryableTransaction(
        async () => {
          calls += 1;
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        },
        { retries: 2, baseDelayMs: 1 },
      ),
    ).rejects.toThrow(TRANSACTION_CONFLICT_MESSAGE);
    expect(calls).toBe(3);
  });
});

describe('the APIs answer a conflict that outlived its retries with 409, server actions with its message', () => {
  it('server action (defineAction): a CONFLICT result with the message the form shows', async () => {
    await reset();
    const sides: Promise<unknown>[] = [];
    const action = defineAction({
      input: z.object({}),
      permission: () => true,
      run: async () => t.db.$transaction((tx) => loseADeadlock(tx, sides)),
    });
    const result = await action({});
    await Promise.all(sides);
    expect(result).toEqual({ ok: false, code: 'CONFLICT', message: 'Someone else changed this at the same time. Try again.', fieldErrors: undefined });
  });

  it('Jira REST: 409 with the conflict message', async () => {
    await reset();
    const token = await createApiToken(t.db, alana, { name: 'retry test', expiresInDays: 1 }, auditOf(alana));
    const sides: Promise<unknown>[] = [];
    const request = new Request('https://portico.example/rest/api/3/myself', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${alana.email}:${token.token}`).toString('base64')}` },
    });
    const response = await handleRest(t.db, request, async ({ db }) => {
      await db.$transaction((tx) => loseADeadlock(tx, sides));
      return new Response(null, { status: 204 });
    });
    await Promise.all(sides);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ errorMessages: ['Someone else changed this at the same time. Try again.'], errors: {} });
  });

  it('organization admin API: 409 with the conflict message', async () => {
    await reset();
    const created = await createOrgApiKey(t.db, alana, { name: 'retry test', expiresInDays: 30 }, auditOf(alana));
    const orgId = (await t.db.site.findUniqueOrThrow({ where: { id: alana.site.id } })).organizationId;
    const sides: Promise<unknown>[] = [];
    const request = new Request(`https://portico.example/admin/v1/orgs/${orgId}/users/x/suspend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}` },
    });
    const response = await handleOrgApi(t.db, request, orgId, async ({ db }) => {
      await db.$transaction((tx) => loseADeadlock(tx, sides));
      return new Response(null, { status: 204 });
    });
    await Promise.all(sides);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      errors: [{ status: '409', code: 'ADMIN-409', title: 'Conflict', detail: 'Someone else changed this at the same time. Try again.' }],
    });
  });
});
