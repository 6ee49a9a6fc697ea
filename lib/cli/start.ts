// `npm start`: database (embedded unless DATABASE_URL), migrations, demo seed, local secrets,
// production build when sources changed, then the web server. Ctrl-C / SIGTERM stop everything.
import 'dotenv/config';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, localSecret, migrateAndSeed, openDatabase } from './runtime';
import { DEMO_PASSWORD, DEMO_PEOPLE } from '../../prisma/seed';

const log = (line: string) => console.log(`[portico] ${line}`);

function assertNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(`Portico needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}.`);
    process.exit(1);
  }
}

const BUILD_INPUTS = ['app', 'components', 'lib', 'emails', 'public', 'prisma/schema.prisma', 'package-lock.json', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json'];

function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  const visit = (relative: string) => {
    const full = path.join(ROOT, relative);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) visit(path.join(relative, entry));
    } else {
      hash.update(relative).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest('hex');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

async function buildIfChanged(env: NodeJS.ProcessEnv) {
  const stamp = path.join(ROOT, '.next', 'portico-source-hash');
  const current = sourceHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === current && fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    log('Production build is up to date.');
    return;
  }
  log('Building the app for production (first run or sources changed)…');
  await run(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], env);
  fs.writeFileSync(stamp, current);
}

async function main() {
  assertNodeVersion();
  const dev = process.argv.includes('--dev');
  const port = Number(process.env.PORT ?? 3000);
  const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;

  const database = await openDatabase(log);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Stopping (${signal})…`);
    for (const child of children) child.kill('SIGTERM');
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

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    AUTH_SECRET: process.env.AUTH_SECRET ?? localSecret('auth-secret'),
    AUTH_TRUST_HOST: 'true',
    AUTH_URL: process.env.AUTH_URL ?? appUrl,
    APP_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
  };

  const next = path.join(ROOT, 'node_modules/next/dist/bin/next');
  if (!dev) await buildIfChanged({ ...env, NODE_ENV: 'production' }).catch(async (error) => {
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
  log(`Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
  for (const person of DEMO_PEOPLE) log(`  ${person.email.padEnd(40)} ${person.persona}`);
  log('Press Ctrl-C to stop.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
