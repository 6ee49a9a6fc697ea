import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;

export function createPrismaClient(connectionString = process.env.DATABASE_URL): PrismaClient {
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  // PORTICO_LOG_QUERIES=1: every statement with its duration on stderr (finding where a page's time goes).
  if (process.env.PORTICO_LOG_QUERIES !== '1') return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => console.error(`[query ${event.duration} ms] ${event.query.replace(/\s+/g, ' ').slice(0, 400)} ${event.params.slice(0, 200)}`));
  return client;
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
