// `npm run screenshots`: starts Portico on a throwaway database, walks through the main screens in
// Chromium and saves them under docs/screens/ (the README's Screens section shows them).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { ROOT } from './runtime';

const PORT = Number(process.env.SCREENSHOTS_PORT ?? 3300);
const BASE = `http://localhost:${PORT}`;
const OUT = path.join(ROOT, 'docs', 'screens');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function waitForServer() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${BASE}/login`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('the app did not start');
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/start.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PORT: String(PORT), PORTICO_EPHEMERAL_DB: '1', PORTICO_PG_PORT: '55800', PORTICO_SMTP_PORT: '2727', DATABASE_URL: '', SMTP_URL: '', AUTH_SECRET: 'screenshots-only-secret-0123456789abcdef' },
  });
  try {
    await waitForServer();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const as = async (email: string): Promise<Page> => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
      await page.goto(`${BASE}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('portico-demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      return page;
    };
    const shot = async (page: Page, name: string) => {
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      console.log(`[screenshots] docs/screens/${name}.png`);
    };

    const admin = await as('alana.admin@acme.com');
    await admin.goto(`${BASE}/admin/users`);
    await shot(admin, 'users');
    await admin.goto(`${BASE}/admin/users/invite`);
    await admin.getByLabel('Email addresses').fill('maria.garcia@partnerco.io, alex.wong@agency.io, lee.chen@acme.com');
    await shot(admin, 'invite-users-details');
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByRole('heading', { name: 'Review your changes' }).waitFor();
    await admin.getByLabel('Personalize email invite').check();
    await admin.getByLabel('Personal message').fill('Welcome! We start the spring launch on Monday.');
    await shot(admin, 'invite-users-review');
    await admin.goto(`${BASE}/admin/requests`);
    await shot(admin, 'approve-requests');
    await admin.goto(`${BASE}/admin/security/external-users`);
    await admin.getByLabel('Authenticator app required').check();
    await admin.getByRole('button', { name: 'Review external users' }).click();
    await admin.getByRole('region', { name: 'Review external users' }).waitFor();
    await shot(admin, 'external-users-review');
    await admin.goto(`${BASE}/admin/audit-log`);
    await shot(admin, 'audit-log');
    await admin.goto(`${BASE}/admin/users?q=casey`);
    await admin.getByRole('link', { name: 'Casey Jones' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Casey Jones' }).waitFor();
    await shot(admin, 'user-profile');

    const sam = await as('sam.rivera@acme.com');
    await sam.goto(`${BASE}/spaces/MKT/settings/people`);
    await shot(sam, 'space-people');
    await sam.getByRole('button', { name: 'Add people' }).click();
    const dialog = sam.getByRole('dialog', { name: 'Add people' });
    await dialog.getByLabel('Names or emails').fill('jordan');
    await sam.waitForTimeout(500);
    await shot(sam, 'add-people');

    const casey = await as('casey.jones@brightagency.io');
    // Signing in lands on the guest's space by a redirect: wait for it to be drawn.
    await casey.waitForURL(`${BASE}/spaces/MKT`);
    await casey.getByRole('heading', { level: 1, name: 'List' }).waitFor();
    await shot(casey, 'guest-space');
    await casey.goto(`${BASE}/spaces/MKT/items/1`);
    await shot(casey, 'guest-work-item');
    await browser.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
