import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, mainNav, signIn, signOut } from './support';

test('signed out, every page leads to the sign-in page', async ({ page }) => {
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Log in to continue' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a wrong password is refused with a clear message, word for word the one an unknown address gets', async ({ page }) => {
  for (const email of ['alana.admin@acme.com', 'no.account.here@acme.com']) {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.locator('form').getByRole('alert')).toHaveText('Incorrect email address or password.');
    await expect(page).toHaveURL(/\/login/);
  }
});

test('the site admin sees every experience and Settings → User management', async ({ page }) => {
  await signIn(page, 'alana.admin@acme.com');
  await expect(page).toHaveURL('/spaces');
  await expect(mainNav(page)).toHaveText(['Spaces', 'Dashboards', 'Goals', 'People']);
  await expect(page.getByRole('row')).toHaveCount(4);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  const settings = page.getByRole('navigation', { name: 'Settings' }).getByRole('link');
  await expect(settings).toHaveText(['Users', 'Approve requests', 'External users', 'API keys', 'Audit log', 'Billing']);
  const jordan = page.getByRole('row', { name: /Jordan Blake/ });
  await expect(jordan).toContainText('External');
  await expect(jordan).toContainText('Guest');
  await expect(jordan).toContainText('No space');
  await expect(page.getByRole('row', { name: /Casey Jones/ })).toContainText('Marketing (MKT)');
  await signOut(page);
});

test('a licensed user sees spaces and experiences but no Settings, and admin pages refuse them', async ({ page }) => {
  await signIn(page, 'lee.chen@acme.com');
  await expect(mainNav(page)).toHaveText(['Spaces', 'Dashboards', 'Goals', 'People']);
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
  await expect(page.getByText('alana.admin@acme.com')).toHaveCount(0);
});

test('a space admin sees the spaces directory', async ({ page }) => {
  await signIn(page, 'sam.rivera@acme.com');
  await expect(page.getByRole('link', { name: 'Marketing' })).toBeVisible();
  await page.getByRole('link', { name: 'Marketing' }).click();
  await expect(page.getByRole('row', { name: /MKT-1 Draft Q1 launch campaign brief/ })).toBeVisible();
});

test('a guest sees only their space; other spaces and site-wide experiences answer "no access"', async ({ page }) => {
  await signIn(page, 'casey.jones@brightagency.io');
  await expect(page).toHaveURL('/spaces/MKT');
  await expect(mainNav(page)).toHaveText(['Marketing']);
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('row', { name: /MKT-4 Brand guidelines v3 review/ })).toBeVisible();
  for (const path of ['/spaces/ENG', '/spaces/NOPE', '/spaces', '/dashboards', '/goals', '/people', '/admin/users']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByText('Platform')).toHaveCount(0);
  }
});

test('a guest without a space sees only "You haven\'t been added to a space yet"', async ({ page }) => {
  await signIn(page, 'jordan.blake@northwind-consulting.com');
  await expect(page).toHaveURL('/no-space');
  await expect(page.getByRole('heading', { name: "You haven't been added to a space yet" })).toBeVisible();
  await expect(mainNav(page)).toHaveCount(0);
  await page.goto('/spaces/MKT');
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
});

test('someone with an account but no access to the site is told so', async ({ page }) => {
  await signIn(page, 'morgan.lee@freelance.dev');
  await expect(page).toHaveURL('/request-access');
  await expect(page.getByRole('heading', { name: "You don't have access to Acme" })).toBeVisible();
});

test('after signing out, the old session cookie no longer opens anything', async ({ page, context }) => {
  await signIn(page, 'omar.haddad@acme.com');
  const cookies = await context.cookies();
  await signOut(page);
  await context.addCookies(cookies);
  await page.goto('/spaces');
  await expect(page).toHaveURL(/\/login/);
});

test('pages carry the security headers and still work under the nonce-based CSP', async ({ page }) => {
  const response = await page.goto('/login');
  const headers = response!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  const invite = await page.request.get('/invite/not-a-token');
  expect(invite.headers()['referrer-policy']).toBe('no-referrer');
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, 'lee.chen@acme.com');
  await expect(page.getByRole('heading', { name: 'Spaces' })).toBeVisible();
  expect(violations).toEqual([]);
});
