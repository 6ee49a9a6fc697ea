// "The database is away" (restarting, unreachable, out of connections) as opposed to a bug: such a
// request gets a 503 and "temporarily unavailable", never a 500, and nothing was written (every
// write runs in one transaction, which PostgreSQL rolls back when the connection goes).
export const UNAVAILABLE_MESSAGE = 'Portico is temporarily unavailable — try again in a moment.';
/** Set on such errors as Next's `digest`, which (unlike the message) reaches the error pages in production. */
/** How long clients are asked to wait while the database is away. */
export const RETRY_AFTER_SECONDS = 5;
export const RETRY_AFTER_HEADERS = { 'Retry-After': String(RETRY_AFTER_SECONDS) };

export const UNAVAILABLE_DIGEST = 'PORTICO_DATABASE_UNAVAILABLE';

/** Prisma's codes for "can't reach / lost the server / no connection in time". */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Socket errors from node-postgres. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs: admin/crash shutdown, cannot connect now (starting up), too many connections. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const MESSAGES = [
  /Connection terminated/i,
  /Can't reach database server/i,
  /Server has closed the connection/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether `error` (or anything in its cause chain) says the database could not be used right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (isRecord(current) && !seen.has(current)) {
    seen.add(current);
    const code = typeof current.code === 'string' ? current.code : '';
    if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true;
    if (typeof current.kind === 'string' && KINDS.has(current.kind)) return true;
    if (isRecord(current.meta) && isDatabaseUnavailable(current.meta.driverAdapterError)) return true;
    const message = typeof current.message === 'string' ? current.message : '';
    if (MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = current.cause;
  }
  return false;
}
