import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { retryingTransactions } from './retry';
import { UNAVAILABLE_DIGEST, isDatabaseUnavailable } from './unavailable';
import { reportDatabaseTrouble } from './outage';
import { statementNamer } from './statement-names';

export type Db = PrismaClient;

type ClientOptions = { onConnectionLost?: () => void };

const PLAN_EACH_RUN = '-c plan_cache_mode=force_custom_plan';

/**
 * The pool's connection settings: Portico's session options after any the URL's `options`
 * parameter or PGOPTIONS give (pg would otherwise let either replace Portico's, or drop PGOPTIONS).
 */
function connectionSettings(connectionString: string): { connectionString: string; options: string } {
  if (!/[?&]options=/.test(connectionString)) return { connectionString, options: [process.env.PGOPTIONS, PLAN_EACH_RUN].filter(Boolean).join(' ') };
  const url = new URL(connectionString);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: [own, PLAN_EACH_RUN].filter(Boolean).join(' ') };
}

function basePrismaClient(connectionString: string | undefined, options: ClientOptions): PrismaClient {
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  // A pooled connection the server dropped (restart, failover) is an event, not a crash.
  const onError = () => options.onConnectionLost?.();
  // Statements are prepared once per connection (statement-names.ts) but still planned on every
  // run with their actual values, as unnamed ones are: one cached generic plan would serve every
  // search term and filter alike, whatever it matches.
  const adapter = new PrismaPg(
    { ...connectionSettings(connectionString), max: Number(process.env.DATABASE_POOL_SIZE ?? 10) },
    { onPoolError: onError, onConnectionError: onError, statementNameGenerator: statementNamer() },
  );
  // PORTICO_LOG_QUERIES=1: every statement with its duration on stderr (finding where a page's time goes).
  if (process.env.PORTICO_LOG_QUERIES !== '1') return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => console.error(`[query ${event.duration} ms] ${event.query.replace(/\s+/g, ' ').slice(0, 400)} ${event.params.slice(0, 200)}`));
  return client;
}

// Every `$transaction(fn)` is retried on serialization failures and deadlocks (lib/db/retry.ts).
export function createPrismaClient(connectionString = process.env.DATABASE_URL, options: ClientOptions = {}): PrismaClient {
  return retryingTransactions(basePrismaClient(connectionString, options));
}

/**
 * The app's client: a query that fails because the database is away carries the digest the error
 * pages (app/error.tsx, app/global-error.tsx) recognise, since production hides error messages
 * from them. Same client otherwise (the extension only rethrows). The retry wrapper goes outside
 * the extension: an extended client's methods belong to the extension, not to the base client.
 */
function createAppPrismaClient(): PrismaClient {
  const extended = basePrismaClient(process.env.DATABASE_URL, { onConnectionLost: reportDatabaseTrouble }).$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            reportDatabaseTrouble();
            if (typeof error === 'object' && error !== null) Object.assign(error, { digest: UNAVAILABLE_DIGEST });
          }
          throw error;
        }
      },
    },
  }) as unknown as PrismaClient;
  return retryingTransactions(extended);
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
