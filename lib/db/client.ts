import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { retryingTransactions } from './retry';

export type Db = PrismaClient;

export function createPrismaClient(connectionString = process.env.DATABASE_URL): PrismaClient {
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  // Every `$transaction(fn)` is retried on serialization failures and deadlocks (lib/db/retry.ts).
  return retryingTransactions(new PrismaClient({ adapter: new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }) }));
}

// One client per process; survives Next's dev-mode module reloads.
const globalForPrisma = globalThis as unknown as { porticoPrisma?: PrismaClient };

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForPrisma.porticoPrisma ??= createPrismaClient();
    const value = Reflect.get(globalForPrisma.porticoPrisma, property);
    return typeof value === 'function' ? value.bind(globalForPrisma.porticoPrisma) : value;
  },
});
