import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, signIn } from './support';
import { inviteLink, waitForMail } from './mailbox';

test('a site admin invites two external guests with a personal message; one follows the emailed link and lands on "no space yet"', async ({ page, browser }) => {
  await signIn(page, 'alana.admin@acme.com');
  await page.goto('/admin/users');
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Invite users' }).click();
  await expect(page.getByRole('heading', { name: 'Invite users' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel('Email addresses').fill('Maria.Garcia@PartnerCo.io, alex.wong@agency.io\nnot-an-email');
  await expect(page.getByText("not-an-email isn't a valid email address.", { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByLabel('Email addresses').fill('Maria.Garcia@PartnerCo.io, alex.wong@agency.io');
  await expect(page.getByRole('list', { name: 'Addresses' }).getByRole('listitem')).toHaveText(['maria.garcia@partnerco.io', 'alex.wong@agency.io']);
  await expect(page.getByLabel('Roles for Jira')).toHaveValue('GUEST');
  await expect(page.getByLabel('Roles for Confluence')).toHaveValue('none');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { name: 'Review your changes' })).toBeVisible();
  await expect(page.getByRole('row', { name: /maria.garcia@partnerco.io/ })).toContainText('New guest');
  await expect(page.getByRole('row', { name: /alex.wong@agency.io/ })).toContainText('Will be invited as a guest.');
  await expectNoAxeViolations(page);
  await page.getByLabel('Personalize email invite').check();
  await page.getByLabel('Personal message').fill('Welcome <b>both</b> — we start the spring launch on Monday!');
  await page.getByRole('button', { name: 'Grant access' }).click();
  await expect(page.getByRole('heading', { name: '2 invitation(s) sent' })).toBeVisible();

  await page.getByRole('link', { name: 'Back to Users' }).click();
  await expect(page.getByRole('row', { name: /maria.garcia@partnerco.io/ })).toContainText('Invited');

  // What actually went over SMTP.
  const mail = await waitForMail('maria.garcia@partnerco.io', 'Alana Admin invited you to join Acme');
  expect(mail.text).toContain('Welcome <b>both</b> — we start the spring launch on Monday!');
  expect(mail.html).toContain('Welcome &lt;b&gt;both&lt;/b&gt;');
  expect(mail.html).toContain('Accept invite');
  await waitForMail('alex.wong@agency.io', 'Alana Admin invited you to join Acme');

  const guest = await (await browser.newContext()).newPage();
  await guest.goto(inviteLink(mail));
  await expect(guest.getByRole('heading', { name: 'Join Acme' })).toBeVisible();
  await expect(guest.getByText('Alana Admin invited you to Acme as a Guest in Jira.')).toBeVisible();
  await expect(guest.getByText('Welcome <b>both</b> — we start the spring launch on Monday!')).toBeVisible();
  await expectNoAxeViolations(guest);
  await guest.getByRole('button', { name: 'Accept invite' }).click();
  await expect(guest.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expect(guest.getByLabel('Email')).toHaveValue('maria.garcia@partnerco.io');
  await expectNoAxeViolations(guest);
  await guest.getByLabel('Full name').fill('Maria Garcia');
  await guest.getByLabel('Password').fill('short');
  await guest.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.locator('form').getByRole('alert')).toHaveText('Use at least 8 characters for your password.');
  await guest.getByLabel('Password').fill('maria-secret-1');
  await guest.getByRole('button', { name: 'Create account' }).click();
  await expect(guest).toHaveURL('/no-space');
  await expect(guest.getByRole('heading', { name: "You haven't been added to a space yet" })).toBeVisible();
  await expectNoAxeViolations(guest);

  // The link is single use.
  await guest.goto(inviteLink(mail));
  await expect(guest.getByRole('heading', { name: 'This invitation has already been used' })).toBeVisible();
  await expectNoAxeViolations(guest);

  // The admin now sees Maria as an active guest with no space.
  await page.reload();
  const maria = page.getByRole('row', { name: /Maria Garcia/ });
  await expect(maria).toContainText('Guest');
  await expect(maria).toContainText('No space');
});
