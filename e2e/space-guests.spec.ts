import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, mainNav, signIn } from './support';

const NO_ACCESS = "You don't have access to this page";

async function addToSpace(page: Page, spaceKey: string, email: string, role: string) {
  await page.goto(`/spaces/${spaceKey}/settings/people`);
  await page.getByRole('button', { name: 'Add people' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add people' });
  await dialog.getByLabel('Names or emails').fill(email);
  await dialog.getByLabel('Names or emails').press('Enter');
  await dialog.getByLabel('Role').selectOption({ label: role });
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  return dialog.getByRole('list', { name: 'Results' });
}

test('a space admin adds the spaceless guest to a space; the guest sees only that space; the one-space rule; removal; sharing one item', async ({ page, browser }) => {
  // Space admin of MKT: sidebar More actions (•••) → Space settings → People.
  await signIn(page, 'sam.rivera@acme.com');
  await page.goto('/spaces/MKT');
  await expectNoAxeViolations(page);
  await page.getByLabel('More actions for Marketing').click();
  await page.getByRole('link', { name: 'Space settings' }).click();
  await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
  await expectNoAxeViolations(page);

  const results = await addToSpace(page, 'MKT', 'jordan.blake@northwind-consulting.com', 'Guest');
  await expect(results).toContainText('Added');
  await expectNoAxeViolations(page); // the Add people dialog with its results
  await page.getByRole('dialog', { name: 'Add people' }).getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('row', { name: /Jordan Blake/ })).toContainText('Guest');

  // The guest signs in and sees that space's work items and nothing else.
  const guest = await (await browser.newContext()).newPage();
  await signIn(guest, 'jordan.blake@northwind-consulting.com');
  await expect(guest).toHaveURL('/spaces/MKT');
  await expect(mainNav(guest)).toHaveText(['Marketing']);
  await expect(guest.getByRole('link', { name: 'Draft Q1 launch campaign brief' })).toBeVisible();
  await expectNoAxeViolations(guest);
  for (const path of ['/spaces/ENG', '/spaces/ENG/items/1', '/spaces', '/dashboards', '/goals', '/people', '/admin/users']) {
    await guest.goto(path);
    await expect(guest.getByRole('heading', { name: NO_ACCESS })).toBeVisible();
  }
  await expectNoAxeViolations(guest);

  // Adding the same guest to a second space is refused, naming the first.
  const priya = await (await browser.newContext()).newPage();
  await signIn(priya, 'priya.shah@acme.com');
  const refused = await addToSpace(priya, 'ENG', 'jordan.blake@northwind-consulting.com', 'Guest');
  await expect(refused).toContainText(
    'Jordan Blake is already a guest in Marketing (MKT). Guests can only belong to one space per site, so remove them from Marketing first.',
  );

  // Removing them from the space: they stay on the site's user list with no space…
  await page.goto('/spaces/MKT/settings/people');
  await page.getByLabel('Remove Jordan Blake').click();
  await page.getByRole('dialog', { name: 'Remove Jordan Blake from Marketing?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('row', { name: /Jordan Blake/ })).toHaveCount(0);
  // …and their next page load shows no access.
  await guest.goto('/spaces/MKT');
  await expect(guest.getByRole('heading', { name: NO_ACCESS })).toBeVisible();
  await guest.goto('/');
  await expect(guest.getByRole('heading', { name: "You haven't been added to a space yet" })).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'alana.admin@acme.com');
  await admin.goto('/admin/users?q=jordan');
  await expect(admin.getByRole('row', { name: /Jordan Blake/ })).toContainText('No space');

  // A space admin can add them again later; then a licensed user shares one item of another space.
  await expect(await addToSpace(page, 'MKT', 'jordan.blake@northwind-consulting.com', 'Guest')).toContainText('Added');

  const lee = await (await browser.newContext()).newPage();
  await signIn(lee, 'lee.chen@acme.com');
  await lee.goto('/spaces/ENG/items/2');
  await lee.getByRole('button', { name: 'Share' }).click();
  const share = lee.getByRole('dialog', { name: 'Share ENG-2' });
  await share.getByLabel('Name or email').fill('jordan');
  await share.getByRole('button', { name: /Jordan Blake/ }).click();
  await share.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(share.getByRole('list', { name: 'Shared with' })).toContainText('Jordan Blake');
  await expectNoAxeViolations(lee);

  await guest.goto('/spaces/ENG/items/2');
  await expect(guest.getByRole('heading', { name: 'Flaky test: invitation expiry' })).toBeVisible();
  await expectNoAxeViolations(guest);
  for (const path of ['/spaces/ENG/items/1', '/spaces/ENG', '/spaces/ENG/items/3']) {
    await guest.goto(path);
    await expect(guest.getByRole('heading', { name: NO_ACCESS })).toBeVisible();
  }
});
