// `npm start`: database (embedded unless DATABASE_URL), migrations, demo seed, local secrets,
// production build when sources changed, then the web server. Ctrl-C / SIGTERM stop everything.
import 'dotenv/config';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { buildIfChanged } from './build';
import { DATA_DIR, ROOT, localSecret, migrateAndSeed, openDatabase } from './runtime';
import { DEMO_PASSWORD, DEMO_PEOPLE } from '../../prisma/seed';
import { startDevSmtpSink, type DevSmtpSink } from '../mail/dev-sink';
import { mailTuningFromEnv, startMailWorker, type MailWorker } from '../mail/worker';
import { startGuestExpiryWorker, type GuestExpiryWorker } from '../guests/expiry';

const log = (line: string) => console.log(`[portico] ${line}`);

function assertNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(`Portico needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}.`);
    process.exit(1);
  }
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

/**
 * Without SMTP_URL, emails go to a local SMTP sink and can be read at /dev/mailbox. A throwaway
 * run (PORTICO_EPHEMERAL_DB=1) gets its own, emptied mailbox, and moves off the default port when
 * another Portico already has it.
 */
async function startLocalSmtpSink(ephemeral: boolean): Promise<DevSmtpSink> {
  const explicitPort = process.env.PORTICO_SMTP_PORT;
  const open = (port: number) => {
    const dir = path.join(DATA_DIR, ephemeral ? `mailbox-${port}` : 'mailbox');
    if (ephemeral) fs.rmSync(dir, { recursive: true, force: true });
    return startDevSmtpSink({ port, dir });
  };
  const port = Number(explicitPort ?? 2525);
  try {
    return await open(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (explicitPort) throw new Error(`Port ${port} (PORTICO_SMTP_PORT) is in use. Choose another port, or set SMTP_URL to a real mail server.`);
    const other = await freePort();
    log(`Port ${port} is in use; the local SMTP server listens on ${other} instead.`);
    return open(other);
  }
}

async function main() {
  assertNodeVersion();
  const dev = process.argv.includes('--dev');
  const port = Number(process.env.PORT ?? 3000);
  const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;

  const database = await openDatabase(log);
  const children: ChildProcess[] = [];
  const mail: { worker?: MailWorker; sink?: DevSmtpSink; guestExpiry?: GuestExpiryWorker } = {};
  // Before the database: the worker finishes the sends in progress and marks them in it.
  const stopMail = async () => {
    await mail.guestExpiry?.stop().catch((error: unknown) => log(`Guest expiry: ${error instanceof Error ? error.message : String(error)}`));
    await mail.worker?.stop().catch((error: unknown) => log(`Mail worker: ${error instanceof Error ? error.message : String(error)}`));
    await mail.sink?.stop();
  };
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Stopping (${signal})…`);
    for (const child of children) child.kill('SIGTERM');
    await stopMail();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    await migrateAndSeed(database.url, log);
  } catch (error) {
    await database.stop();
    throw error;
  }

  let smtpUrl = process.env.SMTP_URL;
  try {
    if (!smtpUrl) {
      mail.sink = await startLocalSmtpSink(process.env.PORTICO_EPHEMERAL_DB === '1');
      smtpUrl = mail.sink.url;
      log(`No SMTP_URL: emails go to a local SMTP server on port ${mail.sink.port} (stored in ${path.relative(ROOT, mail.sink.dir)}).`);
    }
    mail.worker = await startMailWorker({ databaseUrl: database.url, smtpUrl, appUrl, log, ...mailTuningFromEnv() });
    // Guest access expiry (reminders and expiries) on a schedule; its emails go through the outbox.
    mail.guestExpiry = await startGuestExpiryWorker({ databaseUrl: database.url, log });
  } catch (error) {
    await stopMail();
    await database.stop();
    throw error;
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    AUTH_SECRET: process.env.AUTH_SECRET ?? localSecret('auth-secret'),
    AUTH_TRUST_HOST: 'true',
    AUTH_URL: process.env.AUTH_URL ?? appUrl,
    APP_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    SMTP_URL: smtpUrl,
  };
  // The dev mailbox pages exist only while Portico runs its own sink.
  delete env.PORTICO_DEV_MAILBOX_DIR;
  if (mail.sink) env.PORTICO_DEV_MAILBOX_DIR = mail.sink.dir;

  const next = path.join(ROOT, 'node_modules/next/dist/bin/next');
  if (!dev) await buildIfChanged({ ...env, NODE_ENV: 'production' }, log).catch(async (error) => {
    await stopMail();
    await database.stop();
    throw error;
  });
  const server = spawn(process.execPath, [next, dev ? 'dev' : 'start', '-p', String(port)], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: dev ? 'development' : 'production' },
    stdio: 'inherit',
  });
  children.push(server);
  server.on('exit', (code) => {
    if (!stopping) {
      log(`The web server exited (${code}).`);
      void stop('server exit');
    }
  });

  log('');
  log(`Portico is running at ${appUrl}`);
  if (mail.sink) log(`Dev mailbox: ${appUrl}/dev/mailbox`);
  log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
  for (const person of DEMO_PEOPLE) log(`  ${person.email.padEnd(40)} ${person.persona}`);
  log('Press Ctrl-C to stop.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
