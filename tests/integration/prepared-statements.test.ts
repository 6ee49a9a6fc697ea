// The app's client prepares each statement once per connection and plans it on every run
// (lib/db/client.ts, lib/db/statement-names.ts), read back from PostgreSQL itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedDemo } from '@/prisma/seed';
import { createPrismaClient, type Db } from '@/lib/db/client';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let single: Db; // one connection, so every statement below runs on the same session

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
  const poolSize = process.env.DATABASE_POOL_SIZE;
  process.env.DATABASE_POOL_SIZE = '1';
  try {
    single = createPrismaClient(t.url);
  } finally {
    if (poolSize === undefined) delete process.env.DATABASE_POOL_SIZE;
    else process.env.DATABASE_POOL_SIZE = poolSize;
  }
});

afterAll(async () => {
  await single?.$disconnect();
  await t?.drop();
});

const preparedRow = z.object({ statement: z.string(), custom: z.coerce.number(), generic: z.coerce.number() });

async function prepared() {
  const rows = await single.$queryRaw`SELECT "statement", "custom_plans" AS "custom", "generic_plans" AS "generic" FROM pg_prepared_statements`;
  return z.array(preparedRow).parse(rows);
}

describe('prepared statements', () => {
  it('a query run three times is prepared once on its connection and planned with its values each time', async () => {
    for (const email of ['alana.admin@acme.com', 'sam.rivera@acme.com', 'casey.jones@brightagency.io']) {
      const user = await single.user.findUnique({ where: { email }, select: { email: true } });
      expect(user?.email).toBe(email);
    }
    const lookups = (await prepared()).filter((row) => row.statement.includes('"User"') && row.statement.includes('"email" = $1'));
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ custom: 3, generic: 0 });
  });

  it('keeps planning afresh past the point where PostgreSQL would otherwise switch to a generic plan', async () => {
    for (let run = 0; run < 8; run++) await single.space.findMany({ where: { key: { startsWith: run % 2 ? 'M' : 'E' } }, select: { key: true } });
    const spaces = (await prepared()).filter((row) => row.statement.includes('"Space"') && row.statement.includes('LIKE'));
    expect(spaces).toHaveLength(1);
    expect(spaces[0]).toMatchObject({ custom: 8, generic: 0 });
    const mode = z.array(z.object({ plan_cache_mode: z.string() })).parse(await single.$queryRaw`SHOW plan_cache_mode`);
    expect(mode[0].plan_cache_mode).toBe('force_custom_plan');
  });

  it("keeps the session options a DATABASE_URL gives, alongside Portico's own", async () => {
    const db = createPrismaClient(`${t.url}?options=${encodeURIComponent('-c statement_timeout=12345 -c application_name=ops-console')}`);
    try {
      const settings = z
        .array(z.object({ timeout: z.string(), name: z.string(), mode: z.string() }))
        .parse(await db.$queryRaw`SELECT current_setting('statement_timeout') AS "timeout", current_setting('application_name') AS "name", current_setting('plan_cache_mode') AS "mode"`);
      expect(settings).toEqual([{ timeout: '12345ms', name: 'ops-console', mode: 'force_custom_plan' }]);
    } finally {
      await db.$disconnect();
    }
  });
});
