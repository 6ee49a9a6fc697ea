// The production build, redone only when its sources changed: `npm start`, the end-to-end tests
// and the cluster tests share one .next/ and one stamp (a hash of everything the build reads).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from './runtime';

const BUILD_INPUTS = ['app', 'components', 'lib', 'emails', 'public', 'prisma/schema.prisma', 'package-lock.json', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json'];

export function sourceHash(): string {
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
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

/** Runs `next build` unless .next/ holds a build of exactly these sources. */
export async function buildIfChanged(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const stamp = path.join(ROOT, '.next', 'portico-source-hash');
  const current = sourceHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === current && fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    log('Production build is up to date.');
    return;
  }
  log('Building the app for production (first run or sources changed)…');
  await run(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' });
  fs.writeFileSync(stamp, current);
}
