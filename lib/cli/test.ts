// `npm test`: lint, typecheck, unit + integration tests (vitest, real PostgreSQL), end-to-end tests
// (Playwright, system Chromium). Ends with one plain line, `N passed, N failed`, that CI reads.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './runtime';

type Tally = { passed: number; failed: number };
const REPORTS = path.join(ROOT, '.data', 'test-reports');

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

async function check(label: string, command: string, args: string[]): Promise<Tally> {
  console.log(`\n=== ${label} ===`);
  const code = await run(command, args);
  console.log(code === 0 ? `${label}: ok` : `${label}: FAILED`);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

async function vitest(): Promise<Tally> {
  console.log('\n=== Unit and integration tests (vitest, PostgreSQL) ===');
  const output = path.join(REPORTS, 'vitest.json');
  fs.rmSync(output, { force: true });
  const code = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`]);
  const report = readJson(output) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number } | null;
  if (!report) return { passed: 0, failed: 1 };
  const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return { passed: report.numPassedTests, failed };
}

async function playwright(): Promise<Tally> {
  console.log('\n=== End-to-end tests (Playwright, Chromium) ===');
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    console.log(`No Chromium at ${chromium}. Install Debian's with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).`);
    return { passed: 0, failed: 1 };
  }
  const output = path.join(REPORTS, 'playwright.json');
  fs.rmSync(output, { force: true });
  const code = await run(bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: output });
  const report = readJson(output) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } } | null;
  if (!report) return { passed: 0, failed: 1 };
  const { expected, unexpected, flaky, skipped } = report.stats;
  // A skipped test is not a pass: count it as a failure so none is left behind.
  const failed = unexpected + flaky + skipped + (code !== 0 && unexpected === 0 ? 1 : 0);
  return { passed: expected, failed };
}

async function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(`Node.js 22.12+ is required (24 LTS recommended); this is ${process.version}.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  fs.mkdirSync(REPORTS, { recursive: true });
  const started = Date.now();
  const results: [string, Tally][] = [];
  results.push(['lint', await check('Lint (ESLint)', bin('eslint'), ['--max-warnings', '0', '.'])]);
  results.push(['typecheck', await check('Typecheck (tsc)', bin('tsc'), ['--noEmit'])]);
  results.push(['vitest', await vitest()]);
  results.push(['e2e', await playwright()]);

  const total = results.reduce((sum, [, t]) => ({ passed: sum.passed + t.passed, failed: sum.failed + t.failed }), { passed: 0, failed: 0 });
  console.log(`\n${results.map(([name, t]) => `${name}: ${t.passed} passed, ${t.failed} failed`).join(' | ')} (${Math.round((Date.now() - started) / 1000)} s)`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exit(total.failed === 0 ? 0 : 1);
}

void main();
