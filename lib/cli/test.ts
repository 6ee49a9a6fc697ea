// `npm test`: lint, typecheck, unit + integration tests (vitest, real PostgreSQL), end-to-end tests
// (Playwright, system Chromium), cluster tests (two production servers, one worker, one PostgreSQL;
// races and faults). Prints the figures line (races, faults, fuzz), then one plain line,
// `N passed, N failed`, that CI reads.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './runtime';

type Tally = { passed: number; failed: number };
const REPORTS = path.join(ROOT, '.data', 'test-reports');
/** Written by the suites themselves (tests/support/figures.ts). */
const FIGURES = path.join(REPORTS, 'figures');

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

async function vitest(label: string, name: string, extraArgs: string[] = []): Promise<Tally> {
  console.log(`\n=== ${label} ===`);
  const output = path.join(REPORTS, `${name}.json`);
  fs.rmSync(output, { force: true });
  const code = await run(bin('vitest'), ['run', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${output}`]);
  const report = readJson(output) as { numPassedTests: number; numFailedTests: number; numPendingTests?: number; numTodoTests?: number } | null;
  if (!report) return { passed: 0, failed: 1 };
  // A skipped test is not a pass, as with Playwright below.
  const notRun = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const failed = report.numFailedTests + notRun + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
  return { passed: report.numPassedTests, failed };
}

type Figures = Record<string, number>;

/**
 * The figures line: races run and violations, faults injected and emails lost, fuzz cases and 5xx.
 * A missing figures file (its suite did not run to the end) or a violation, a lost email or a 5xx
 * counts as one failure each.
 */
function figuresLine(): { line: string; failed: number } {
  const read = (name: string) => readJson(path.join(FIGURES, `${name}.json`)) as Figures | null;
  const number = (figures: Figures | null, key: string) => (figures && typeof figures[key] === 'number' ? figures[key] : null);
  let failed = 0;
  const part = (name: string, text: (f: Figures) => string, bad: (f: Figures) => boolean, keys: string[]) => {
    const figures = read(name);
    if (!figures || keys.some((key) => number(figures, key) === null)) {
      failed++;
      return `${name}: no figures (FAILED)`;
    }
    if (bad(figures)) failed++;
    return text(figures) + (bad(figures) ? ' (FAILED)' : '');
  };
  const line = [
    part('races', (f) => `races: ${f.kinds} kinds, ${f.rounds} rounds, ${f.violations} violations`, (f) => f.violations !== 0 || f.rounds === 0, ['kinds', 'rounds', 'violations']),
    part('faults', (f) => `faults: ${f.faults} injected, ${f.emailsLost} emails lost`, (f) => f.emailsLost !== 0 || f.faults === 0, ['faults', 'emailsLost']),
    part('fuzz', (f) => `fuzz: ${f.fuzzCases} cases, ${f.serverErrors} 5xx`, (f) => f.serverErrors !== 0 || f.fuzzCases === 0, ['fuzzCases', 'serverErrors']),
  ].join(' | ');
  return { line, failed };
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
  if (process.argv.includes('--figures')) {
    // Only the figures line, from the files the last runs left (e.g. after running single stages).
    const figures = figuresLine();
    console.log(figures.line);
    process.exit(figures.failed === 0 ? 0 : 1);
  }
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.rmSync(FIGURES, { recursive: true, force: true });
  const started = Date.now();
  const results: [string, Tally][] = [];
  results.push(['lint', await check('Lint (ESLint)', bin('eslint'), ['--max-warnings', '0', '.'])]);
  results.push(['typecheck', await check('Typecheck (tsc)', bin('tsc'), ['--noEmit'])]);
  results.push(['vitest', await vitest('Unit and integration tests (vitest, PostgreSQL)', 'vitest')]);
  results.push(['e2e', await playwright()]);
  // After the end-to-end tests: their start already built the app for production, reused here.
  results.push(['cluster', await vitest('Cluster tests (two servers, one worker, one PostgreSQL: races and faults)', 'cluster', ['--config', 'vitest.cluster.config.ts'])]);

  const figures = figuresLine();
  results.push(['figures', { passed: 0, failed: figures.failed }]);
  const total = results.reduce((sum, [, t]) => ({ passed: sum.passed + t.passed, failed: sum.failed + t.failed }), { passed: 0, failed: 0 });
  console.log(`\n${results.map(([name, t]) => `${name}: ${t.passed} passed, ${t.failed} failed`).join(' | ')} (${Math.round((Date.now() - started) / 1000)} s)`);
  console.log(figures.line);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exit(total.failed === 0 ? 0 : 1);
}

void main();
