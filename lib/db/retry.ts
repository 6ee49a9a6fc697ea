// Serialization failures (SQLSTATE 40001) and deadlocks (40P01) are PostgreSQL telling one of two
// concurrent transactions to start again: nothing it wrote was kept. Every interactive transaction
// of the product goes through `withRetryableTransaction` (lib/db/client.ts wires it into
// `db.$transaction(fn)`), which runs the whole callback again a bounded number of times, then
// gives up with one clear conflict error.
import { DomainError } from '../result';

export const TRANSACTION_CONFLICT_MESSAGE = 'Someone else changed this at the same time. Try again.';

/** Retries after the first attempt (so at most RETRIES + 1 attempts). */
export const TRANSACTION_RETRIES = 3;

/** The retries ran out. A DomainError 'CONFLICT': actions show the message, the APIs answer 409. */
export class TransactionConflictError extends DomainError {
  constructor(
    public readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super('CONFLICT', TRANSACTION_CONFLICT_MESSAGE);
    this.name = 'TransactionConflictError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Whether `error` is a serialization failure or a deadlock, in every shape Prisma 7 with
 * @prisma/adapter-pg produces (each seen against a real PostgreSQL 18, tests/integration/transaction-retry.test.ts):
 * - a model query in a transaction: PrismaClientKnownRequestError `code: 'P2034'`, with
 *   `meta.driverAdapterError.cause = { originalCode: '40P01', kind: 'TransactionWriteConflict' }`;
 * - a raw query: PrismaClientKnownRequestError `code: 'P2010'` with the same `meta.driverAdapterError`;
 * - the COMMIT of a SERIALIZABLE transaction: a bare DriverAdapterError whose
 *   `cause = { originalCode: '40001', kind: 'TransactionWriteConflict' }`;
 * - node-postgres itself (`pg.DatabaseError`): `code: '40001'` / `'40P01'`;
 * and any of these wrapped in another error's `cause`.
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): boolean => {
    if (!value || typeof value !== 'object' || depth > 6 || seen.has(value)) return false;
    seen.add(value);
    const e = value as { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown; cause?: unknown } };
    if (e.code === 'P2034') return true;
    if (typeof e.code === 'string' && RETRYABLE_SQLSTATES.has(e.code)) return true;
    if (typeof e.originalCode === 'string' && RETRYABLE_SQLSTATES.has(e.originalCode)) return true;
    if (e.kind === 'TransactionWriteConflict') return true;
    return visit(e.cause, depth + 1) || visit(e.meta?.driverAdapterError, depth + 1) || visit(e.meta?.cause, depth + 1);
  };
  return visit(error, 0);
}

export type RetryOptions = {
  retries?: number;
  /** Base delay before the first retry, doubled each time, plus up to as much again of jitter. */
  baseDelayMs?: number;
  /** Called before each retry (tests count attempts with it). */
  onRetry?: (attempt: number, error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (one whole transaction) and runs it again when PostgreSQL aborted it as a
 * serialization failure or a deadlock: at most `retries` more times, with a small jittered
 * exponential backoff, then throws TransactionConflictError. Other errors pass through unchanged.
 */
export async function withRetryableTransaction<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? TRANSACTION_RETRIES;
  const base = options.baseDelayMs ?? 15;
  const sleep = options.sleep ?? defaultSleep;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryableTransactionError(error)) throw error;
      if (n >= retries) throw new TransactionConflictError(n + 1, { cause: error });
      options.onRetry?.(n + 1, error);
      const delay = base * 2 ** n;
      await sleep(delay + Math.random() * delay);
    }
  }
}

type Transactional = { $transaction: (...args: never[]) => unknown };

/**
 * The client with `$transaction(fn, options)` retried as above. The batch form
 * (`$transaction([...queries])`) is passed through: its queries are already created and can't run twice.
 */
export function retryingTransactions<C extends Transactional>(client: C, options: RetryOptions = {}): C {
  return new Proxy(client, {
    get(target, property) {
      // Read from (and call on) the client itself: its methods use private fields.
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== '$transaction') return (value as (...args: unknown[]) => unknown).bind(target);
      const transaction = value as (...args: unknown[]) => Promise<unknown>;
      return (first: unknown, ...rest: unknown[]) =>
        typeof first === 'function' ? withRetryableTransaction(() => transaction.call(target, first, ...rest), options) : transaction.call(target, first, ...rest);
    },
  });
}
