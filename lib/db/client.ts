import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { UNAVAILABLE_DIGEST, isDatabaseUnavailable } from './unavailable';

export type Db = PrismaClient;

export function createPrismaClient(connectionString = process.env.DATABASE_URL): PrismaClient {
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }) });
}

/**
 * The app's client: a query that fails because the database is away carries the digest the error
 * pages (app/error.tsx, app/global-error.tsx) recognise, since production hides error messages
 * from them. Same client otherwise (the extension only rethrows).
 */
function createAppPrismaClient(): PrismaClient {
  return createPrismaClient().$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          if (isDatabaseUnavailable(error) && typeof error === 'object' && error !== null) Object.assign(error, { digest: UNAVAILABLE_DIGEST });
          throw error;
        }
      },
    },
  }) as unknown as PrismaClient;
}

// One client per process; survives Next's dev-mode module reloads.
const globalForPrisma = globalThis as unknown as { porticoPrisma?: PrismaClient };

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForPrisma.porticoPrisma ??= createAppPrismaClient();
    const value = Reflect.get(globalForPrisma.porticoPrisma, property);
    return typeof value === 'function' ? value.bind(globalForPrisma.porticoPrisma) : value;
  },
});
