// A scaled Portico on one machine, for the cluster tests: one throwaway PostgreSQL (migrated and
// seeded with the same functions as `npm start`), the production build (built only when sources
// changed, as `npm start` does), two `next start` servers and one mail worker (lib/cli/worker.ts)
// as separate processes, and an SMTP server the tests control (tests/cluster/smtp-sink.ts).
// The tests can SIGKILL and restart the worker and stop and start PostgreSQL on the same port and
// data directory. stop() kills every child process group, also after a failure.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, migrateAndSeed } from '../../lib/cli/runtime';
import { buildIfChanged } from '../../lib/cli/build';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../lib/db/embedded';
import { createPrismaClient, type Db } from '../../lib/db/client';
import { SmtpSink } from './smtp-sink';

export const CLUSTER_PORTS = {
  servers: [Number(process.env.CLUSTER_APP_PORT_A ?? 3510), Number(process.env.CLUSTER_APP_PORT_B ?? 3511)],
  postgres: Number(process.env.CLUSTER_PG_PORT ?? 56100),
  smtp: Number(process.env.CLUSTER_SMTP_PORT ?? 2930),
};

/** Retries within seconds rather than minutes, and a killed worker's send taken over after 10 s. */
export const CLUSTER_MAIL_TUNING = {
  PORTICO_MAIL_RETRY_DELAY_SECONDS: '1',
  PORTICO_MAIL_RETRY_DELAY_MAX_SECONDS: '2',
  PORTICO_MAIL_RETRY_LIMIT: '30',
  PORTICO_MAIL_STALLED_SECONDS: '10',
};

const LOG_DIR = path.join(ROOT, '.data', 'test-reports', 'cluster');

export type AppServer = { name: 'A' | 'B'; url: string; port: number; process: ChildProcess };

const log = (line: string) => {
  if (process.env.CLUSTER_VERBOSE) console.log(`[cluster] ${line}`);
};

export async function pollUntil<T>(what: string, check: () => Promise<T | null | undefined | false>, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Kills the child's whole process group (it was spawned detached, as its group's leader). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid || !alive(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export class Cluster {
  readonly sink: SmtpSink;
  servers: AppServer[] = [];
  worker: ChildProcess | null = null;
  db!: Db;
  databaseUrl = '';
  private postgres: EmbeddedDatabase | null = null;
  private readonly pgDir: string;
  private readonly pgPassword = crypto.randomBytes(12).toString('hex');
  private readonly authSecret = crypto.randomBytes(33).toString('base64');
  private children = new Set<ChildProcess>();
  private workerCount = 0;

  constructor(readonly name: string) {
    this.sink = new SmtpSink(CLUSTER_PORTS.smtp);
    this.pgDir = path.join(ROOT, '.data', `cluster-postgres-${CLUSTER_PORTS.postgres}`);
  }

  get a() {
    return this.servers[0];
  }

  get b() {
    return this.servers[1];
  }

  async start(): Promise<void> {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    for (const file of fs.readdirSync(LOG_DIR)) if (file.startsWith(`${this.name}-`)) fs.rmSync(path.join(LOG_DIR, file));
    fs.rmSync(this.pgDir, { recursive: true, force: true });
    await this.startPostgres();
    await migrateAndSeed(this.databaseUrl, log);
    this.db = createPrismaClient(this.databaseUrl);
    await buildIfChanged({ ...process.env }, (line) => console.log(`[cluster] ${line}`));
    await this.sink.start();
    await this.startWorker();
    this.servers = await Promise.all(
      CLUSTER_PORTS.servers.map((port, i) => this.startServer(i === 0 ? 'A' : 'B', port)),
    );
  }

  /** Starts (or restarts, same port and data directory) the PostgreSQL. */
  async startPostgres(): Promise<void> {
    this.postgres = await startEmbeddedPostgres({ dir: this.pgDir, port: CLUSTER_PORTS.postgres, password: this.pgPassword, persistent: true, log });
    this.databaseUrl = this.postgres.url;
  }

  /** Fast shutdown: sessions are terminated, new connections refused until startPostgres(). */
  async stopPostgres(): Promise<void> {
    await this.postgres?.stop();
    this.postgres = null;
  }

  private spawnLogged(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const out = fs.openSync(path.join(LOG_DIR, `${this.name}-${name}.log`), 'a');
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  private async startServer(name: 'A' | 'B', port: number): Promise<AppServer> {
    const url = `http://localhost:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: this.databaseUrl,
      AUTH_SECRET: this.authSecret,
      AUTH_TRUST_HOST: 'true',
      AUTH_URL: url,
      APP_URL: url,
      PORT: String(port),
      SMTP_URL: this.sink.url,
    };
    delete env.PORTICO_DEV_MAILBOX_DIR;
    const child = this.spawnLogged(`server-${name}`, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], env);
    await pollUntil(`server ${name} on ${url}`, async () => {
      if (!alive(child)) throw new Error(`server ${name} exited (${child.exitCode ?? child.signalCode}); see ${LOG_DIR}`);
      const response = await fetch(`${url}/login`);
      return response.status === 200;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    return { name, url, port, process: child };
  }

  /** One worker process, as in a scaled deployment (`npm run worker`). */
  async startWorker(): Promise<ChildProcess> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...CLUSTER_MAIL_TUNING,
      DATABASE_URL: this.databaseUrl,
      SMTP_URL: this.sink.url,
      APP_URL: `http://localhost:${CLUSTER_PORTS.servers[0]}`,
    };
    const child = this.spawnLogged(`worker-${++this.workerCount}`, ['--import', 'tsx', path.join(ROOT, 'lib/cli/worker.ts')], env);
    this.worker = child;
    // Ready once it says so (its queue exists and it polls).
    const logFile = path.join(LOG_DIR, `${this.name}-worker-${this.workerCount}.log`);
    const before = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    await pollUntil('the mail worker to start', async () => {
      if (!alive(child)) throw new Error(`the worker exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
      const text = fs.readFileSync(logFile, 'utf8').slice(before);
      return text.includes('Delivering emails through');
    }, { timeoutMs: 60_000, intervalMs: 100 });
    return child;
  }

  /** kill -9 of the worker: no chance to finish or record anything. */
  async killWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    killGroup(worker, 'SIGKILL');
    await exited(worker);
    this.worker = null;
  }

  serverAlive(server: AppServer): boolean {
    return alive(server.process);
  }

  async stop(): Promise<void> {
    const children = [...this.children];
    for (const child of children) killGroup(child, 'SIGTERM');
    await Promise.race([Promise.all(children.map(exited)), new Promise((r) => setTimeout(r, 5_000))]);
    for (const child of children) killGroup(child, 'SIGKILL');
    await Promise.all(children.map(exited));
    await this.db?.$disconnect().catch(() => {});
    await this.sink.stop();
    await this.stopPostgres().catch(() => {});
    fs.rmSync(this.pgDir, { recursive: true, force: true });
  }
}
