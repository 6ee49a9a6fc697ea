import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, signIn, signOut } from './support';

/** Opens a More actions (•••) menu unless it is already open (it stays open across a refresh). */
async function openMenu(page: Page, label: string) {
  const menu = page.locator('details', { has: page.getByLabel(label, { exact: true }) });
  if (!(await menu.evaluate((d) => (d as HTMLDetailsElement).open))) await page.getByLabel(label, { exact: true }).click();
}

async function openProfile(page: Page, name: string) {
  await page.goto('/admin/users');
  await page.getByRole('link', { name }).first().click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expectNoAxeViolations(page);
}

test('approve one access request and deny another; both people see the outcome', async ({ page, browser }) => {
  // Dana asks for access.
  await signIn(page, 'dana.kim@pixelworks.studio');
  await expect(page).toHaveURL('/request-access');
  await expectNoAxeViolations(page);
  await page.getByLabel('Note to the site admins (optional)').fill('I design the new onboarding flow with Sam.');
  await page.getByRole('button', { name: 'Request access' }).click();
  await expect(page.getByText(/^You requested access on \d{4}-\d{2}-\d{2}\. A site admin will review your request\.$/)).toBeVisible();
  await signOut(page);

  await signIn(page, 'alana.admin@acme.com');
  await page.goto('/admin/requests');
  await expect(page.getByRole('heading', { name: 'Approve requests' })).toBeVisible();
  const morgan = page.getByRole('row', { name: /Morgan Lee/ });
  await expect(morgan).toContainText('morgan.lee@freelance.dev');
  await expect(morgan).toContainText('External');
  await expect(morgan).toContainText('I am the freelance designer working with the Marketing team on the launch.');
  await expectNoAxeViolations(page);
  // Quick approve from More actions (•••).
  await openMenu(page, 'More actions for Morgan Lee');
  await morgan.getByRole('button', { name: 'Approve' }).click();
  // Approved requests leave the list.
  await expect(page.getByRole('row', { name: /Morgan Lee/ })).toHaveCount(0);

  // Review Dana's request and deny it with a message.
  await page.goto('/admin/requests');
  await page.getByRole('link', { name: 'Review request from Dana Kim' }).click();
  await expect(page.getByText('I design the new onboarding flow with Sam.')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Message to Dana Kim (optional)').fill('Please ask Sam to invite you to the Marketing space.');
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.locator('dd', { hasText: 'Denied by Alana Admin' })).toBeVisible();
  await page.goto('/admin/requests');
  await expect(page.getByText('No access requests right now.')).toBeVisible();
  await signOut(page);

  const dana = await browser.newPage();
  await signIn(dana, 'dana.kim@pixelworks.studio');
  await expect(dana.getByText('A site admin declined your request: “Please ask Sam to invite you to the Marketing space.”')).toBeVisible();
  await expect(dana.getByRole('button', { name: 'Request access' })).toHaveCount(0);

  const morganPage = await browser.newPage();
  await signIn(morganPage, 'morgan.lee@freelance.dev');
  await expect(morganPage).toHaveURL('/no-space');
});

test('change a guest to User (with the billing effect), then remove their access: their next page load is refused', async ({ page, browser }) => {
  // Casey is using the site in another browser.
  const casey = await browser.newPage();
  await signIn(casey, 'casey.jones@brightagency.io');
  await expect(casey).toHaveURL('/spaces/MKT');

  await signIn(page, 'alana.admin@acme.com');
  await openProfile(page, 'Casey Jones');
  await expect(page.getByText('Marketing (MKT)')).toBeVisible();
  await page.getByLabel('Roles for Jira').selectOption('USER');
  const dialog = page.getByRole('dialog', { name: "Change Casey Jones's role to User?" });
  await expect(dialog).toContainText('This adds 1 licensed seat to your bill.');
  await expect(dialog).toContainText('They will no longer be limited to one space.');
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByLabel('Roles for Jira')).toHaveValue('USER');
  // Back to Guest is not offered to a (former) licensed user.
  await expect(page.getByRole('option', { name: 'Guest' })).toBeDisabled();
  await expect(page.getByText('Guest: Current and former licensed users can’t become guests.')).toBeVisible();

  // As a licensed user, Casey now sees the spaces directory.
  await casey.goto('/spaces');
  await expect(casey.getByRole('heading', { name: 'Spaces' })).toBeVisible();

  await openMenu(page, 'More actions for Jira');
  await page.getByRole('button', { name: 'Remove access' }).click();
  const confirm = page.getByRole('dialog', { name: "Remove Casey Jones's access?" });
  await confirm.getByRole('button', { name: 'Remove access' }).click();
  await expect(page.getByRole('cell', { name: 'No access' })).toBeVisible();

  await casey.reload();
  await expect(casey).toHaveURL(/\/login/);
  await signIn(casey, 'casey.jones@brightagency.io');
  await expect(casey.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
  await casey.goto('/spaces/MKT');
  await expect(casey.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
});

test('suspend and restore access', async ({ page, browser }) => {
  await signIn(page, 'alana.admin@acme.com');
  await openProfile(page, 'Omar Haddad');
  await openMenu(page, 'More actions for Omar Haddad');
  await page.getByRole('button', { name: 'Suspend access' }).click();
  await page.getByRole('dialog', { name: "Suspend Omar Haddad's access?" }).getByRole('button', { name: 'Suspend access' }).click();
  await expect(page.getByText('Suspended', { exact: true })).toBeVisible();

  const omar = await browser.newPage();
  await omar.goto('/login');
  await omar.getByLabel('Email').fill('omar.haddad@acme.com');
  await omar.getByLabel('Password').fill('portico-demo');
  await omar.getByRole('button', { name: 'Log in' }).click();
  await expect(omar.locator('form').getByRole('alert')).toHaveText('Your access to this site has been suspended. Contact your site admin.');

  await openMenu(page, 'More actions for Omar Haddad');
  await page.getByRole('button', { name: 'Restore access' }).click();
  await page.getByRole('dialog', { name: "Restore Omar Haddad's access?" }).getByRole('button', { name: 'Restore access' }).click();
  await signIn(omar, 'omar.haddad@acme.com');
  await expect(omar).toHaveURL('/spaces');

  // Both changes are in the audit log.
  await page.goto('/admin/audit-log');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Omar Haddad/ }).first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test('billing: moving to Free is refused while the site has guests', async ({ page }) => {
  await signIn(page, 'alana.admin@acme.com');
  await page.goto('/admin/billing');
  await expectNoAxeViolations(page);
  await page.getByLabel(/^Free/).check();
  await page.getByRole('button', { name: 'Change plan' }).click();
  await expect(page.locator('form').getByRole('alert')).toContainText("You can't move to Free while your site has guests.");
  await page.reload();
  await expect(page.locator('dd', { hasText: /^Standard$/ })).toBeVisible();
});
