import { expect, test, type Page } from '@playwright/test';
import { base32Decode, totp } from '../lib/security/totp';
import { expectNoAxeViolations, signIn } from './support';

async function setTwoStepPolicy(page: Page, method: 'None' | 'Authenticator app required') {
  await page.goto('/admin/security/external-users');
  await page.getByLabel(method).check();
  await page.getByRole('button', { name: 'Review external users' }).click();
  const review = page.getByRole('region', { name: 'Review external users' });
  await expect(review).toBeVisible();
  await expectNoAxeViolations(page);
  return review;
}

test('the admin requires an authenticator app for external users; a guest is forced through enrollment, then reaches their space', async ({ page, browser }) => {
  // Make sure the guest has a space whatever ran before.
  const sam = await (await browser.newContext()).newPage();
  await signIn(sam, 'sam.rivera@acme.com');
  await sam.goto('/spaces/MKT/settings/people');
  if ((await sam.getByRole('row', { name: /Jordan Blake/ }).count()) === 0) {
    await sam.getByRole('button', { name: 'Add people' }).click();
    const dialog = sam.getByRole('dialog', { name: 'Add people' });
    await dialog.getByLabel('Names or emails').fill('jordan.blake@northwind-consulting.com');
    await dialog.getByLabel('Names or emails').press('Enter');
    await dialog.getByLabel('Role').selectOption({ label: 'Guest' });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByRole('list', { name: 'Results' })).toContainText('Added');
  }

  await signIn(page, 'alana.admin@acme.com');
  const review = await setTwoStepPolicy(page, 'Authenticator app required');
  await expect(review).toContainText(/external users? will have to set up two-step verification at their next sign-in/);
  await expect(review.getByRole('row', { name: /Jordan Blake/ })).toBeVisible();
  await expect(review.getByRole('row', { name: /Lee Chen/ })).toHaveCount(0);
  await review.getByRole('button', { name: 'Update' }).click();
  await expect(page.getByText('External user security updated. It applies from each external user’s next request.')).toBeVisible();

  const guest = await (await browser.newContext()).newPage();
  await signIn(guest, 'jordan.blake@northwind-consulting.com');
  await expect(guest).toHaveURL('/verify/enroll');
  await expect(guest.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible();
  await expectNoAxeViolations(guest);
  // Nothing else opens until the second factor is set up.
  await guest.goto('/spaces/MKT');
  await expect(guest).toHaveURL(/\/verify/);
  await guest.goto('/verify/enroll');
  // Viewing the page made no secret; this button does, and the page then shows it.
  await guest.getByRole('button', { name: 'Get a setup key' }).click();
  await guest.getByText('Can’t scan the code?').click();
  await expectNoAxeViolations(guest);
  const key = (await guest.getByTestId('manual-key').textContent())!.replace(/\s+/g, '');
  await guest.getByLabel('Verification code').fill(totp(base32Decode(key), new Date()));
  await guest.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(guest.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await expectNoAxeViolations(guest);
  await guest.getByRole('button', { name: 'Continue' }).click();
  await expect(guest).toHaveURL('/spaces/MKT');
  await expect(guest.getByRole('link', { name: 'Draft Q1 launch campaign brief' })).toBeVisible();

  // Internal users are not affected by the external-user policy.
  const lee = await (await browser.newContext()).newPage();
  await signIn(lee, 'lee.chen@acme.com');
  await expect(lee).toHaveURL('/spaces');

  // Leave the site as the other specs expect it.
  await (await setTwoStepPolicy(page, 'None')).getByRole('button', { name: 'Update' }).click();
  await expect(page.getByText('External user security updated. It applies from each external user’s next request.')).toBeVisible();
});
