import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}. The end-to-end tests use a system Chromium and never download one.\n` +
      `Install Debian's: sudo apt-get install -y chromium   (or set CHROMIUM_PATH to a Chromium/Chrome binary)`,
  );
}

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    // Next rewrites 127.0.0.1 to localhost in request URLs; use localhost everywhere.
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    // The real start path (migrations, seed, production build, next start) on a throwaway database.
    command: 'npx tsx lib/cli/start.ts',
    url: `http://localhost:${port}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: {
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      AUTH_URL: `http://localhost:${port}`,
      PORTICO_EPHEMERAL_DB: '1',
      PORTICO_PG_PORT: String(Number(process.env.E2E_PG_PORT ?? 55900)),
      // e2e/mailbox.ts reads what this sink received over SMTP from .data/mailbox-<port>.
      PORTICO_SMTP_PORT: String(Number(process.env.E2E_SMTP_PORT ?? 2626)),
      SMTP_URL: '',
      AUTH_SECRET: 'e2e-only-secret-not-for-production-use-0123456789',
      DATABASE_URL: '',
    },
  },
});
