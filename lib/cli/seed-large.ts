// `npm run seed:large [-- --scale=0.1] [--ephemeral] [--seed=…]`: a realistic large site (100,000
// users at scale 1) on top of the demo seed, in DATABASE_URL or the embedded database `npm start`
// uses. --ephemeral fills a throwaway embedded cluster (deleted at the end: a timing run).
import 'dotenv/config';
import { migrateAndSeed, openDatabase } from './runtime';
import { largeSeedCounts, seedLarge } from '../bench/large-seed';
import { flagValue } from '../bench/args';

const log = (line: string) => console.log(`[seed:large] ${line}`);

async function main() {
  const scale = Number(flagValue('scale') ?? 1);
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be a number in (0, 10].');
  if (process.argv.includes('--ephemeral')) {
    if (process.env.DATABASE_URL) throw new Error('--ephemeral starts its own database: unset DATABASE_URL.');
    process.env.PORTICO_EPHEMERAL_DB = '1';
  }
  const began = Date.now();
  const database = await openDatabase(log);
  try {
    await migrateAndSeed(database.url, log);
    const c = largeSeedCounts(scale);
    log(`Scale ${scale}: ${c.users} users (${c.guests} guests), ${c.spaces} spaces, ${c.workItems} work items, ${c.invitations} invitations, ${c.auditEvents} audit events.`);
    await seedLarge(database.url, { scale, seed: flagValue('seed') ?? undefined, log });
  } finally {
    await database.stop();
  }
  log(`Total wall time ${((Date.now() - began) / 1000).toFixed(1)} s.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
