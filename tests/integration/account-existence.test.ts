// Sign-in does not reveal whether an email has an account: the same answer, the same throttling,
// and about the same time, for an existing address and one that has no account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '@/prisma/seed';
import { signInWithPassword } from '@/lib/auth/sessions';
import { DUMMY_HASH, hashPassword } from '@/lib/auth/password';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db);
});
afterAll(() => t.drop());

const EXISTING = 'lee.chen@acme.com';
const MISSING = 'nobody.here@acme.com';

async function timed(email: string, password: string, ip: string) {
  const started = performance.now();
  const result = await signInWithPassword(t.db, { email, password, ip });
  return { result, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('sign-in answers the same for an existing and a missing account', () => {
  it('a wrong password and an unknown address get the identical refusal', async () => {
    const existing = await signInWithPassword(t.db, { email: EXISTING, password: 'wrong-password', ip: '198.51.100.1' });
    const missing = await signInWithPassword(t.db, { email: MISSING, password: 'wrong-password', ip: '198.51.100.1' });
    expect(existing).toEqual({ ok: false, reason: 'invalid' });
    expect(missing).toEqual(existing);
    // A deactivated account with its right password is refused the same way.
    await t.db.user.update({ where: { email: 'omar.haddad@acme.com' }, data: { active: false } });
    expect(await signInWithPassword(t.db, { email: 'omar.haddad@acme.com', password: 'portico-demo', ip: '198.51.100.1' })).toEqual(existing);
    await t.db.user.update({ where: { email: 'omar.haddad@acme.com' }, data: { active: true } });
  });

  it('both are throttled after the same number of attempts, with the same answer', async () => {
    // One instant for every attempt: the limit counts in fixed 15-minute windows, and real time
    // could cross into the next one between the 10th and the 11th.
    const now = new Date();
    const answers = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < 11; i++) {
        const result = await signInWithPassword(t.db, { email, password: `guess-${i}`, ip: `198.51.100.${10 + i}` }, now);
        out.push(result.ok ? 'ok' : result.reason);
      }
      return out;
    };
    const existing = await answers('priya.shah@acme.com');
    const missing = await answers('nobody.else@acme.com');
    expect(existing).toEqual([...Array<string>(10).fill('invalid'), 'throttled']);
    expect(missing).toEqual(existing);
    // Throttled, even the right password gets the same answer as for a missing account.
    expect(await signInWithPassword(t.db, { email: 'priya.shah@acme.com', password: 'portico-demo' }, now)).toEqual({ ok: false, reason: 'throttled' });
  });

  it('take about the same time: the unknown address is checked against a dummy hash of the same cost', async () => {
    expect(DUMMY_HASH.split('$').slice(0, 4)).toEqual((await hashPassword('anything')).split('$').slice(0, 4));
    const existing: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 7; i++) {
      existing.push((await timed('sam.rivera@acme.com', `wrong-${i}`, `203.0.113.${i}`)).ms);
      missing.push((await timed(`someone-${i}@nowhere.example`, `wrong-${i}`, `203.0.113.${i}`)).ms);
    }
    const ratio = median(missing) / median(existing);
    // An argon2id check is tens of milliseconds; skipping it would make the missing case several times faster.
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});
