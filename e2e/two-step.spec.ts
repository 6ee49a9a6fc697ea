import { expect, test, type Browser, type Cookie, type Page } from '@playwright/test';
import { base32Decode, totp } from '../lib/security/totp';
import { waitForMail } from './mailbox';
import { expectNoAxeViolations, signIn } from './support';

async function setTwoStepPolicy(page: Page, method: 'None' | 'Authenticator app required' | 'One-time passcode by email') {
  await page.goto('/admin/security/external-users');
  await page.getByLabel(method).check();
  await page.getByRole('button', { name: 'Review external users' }).click();
  const review = page.getByRole('region', { name: 'Review external users' });
  await expect(review).toBeVisible();
  await expectNoAxeViolations(page);
  return review;
}

/** The Auth.js session cookie the browser holds now (it carries only the server-side session id). */
async function sessionCookie(page: Page): Promise<Cookie> {
  const cookie = (await page.context().cookies()).find((c) => /^(__Secure-)?authjs\.session-token$/.test(c.name));
  expect(cookie, 'the session cookie').toBeDefined();
  return cookie!;
}

/**
 * Session fixation: the second factor renewed the session id, so the cookie changed (same name and
 * flags), and the cookie captured before it — replayed in a fresh browser — is sent to sign in.
 */
async function expectSessionRenewed(browser: Browser, page: Page, before: Cookie) {
  const after = await sessionCookie(page);
  expect(after.value).not.toBe(before.value);
  expect({ ...after, value: '', expires: 0 }).toEqual({ ...before, value: '', expires: 0 });
  expect(after).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  const attacker = await browser.newContext();
  await attacker.addCookies([before]);
  const stolen = await attacker.newPage();
  await stolen.goto('/spaces/MKT');
  await expect(stolen).toHaveURL(/\/login/);
  await attacker.close();
}

test('the admin requires an authenticator app for external users; a guest is forced through enrollment, then reaches their space; every second factor renews the session id', async ({ page, browser }) => {
  test.setTimeout(120_000); // three people through their second factor
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
  const beforeEnrollment = await sessionCookie(guest);
  await guest.getByLabel('Verification code').fill(totp(base32Decode(key), new Date()));
  await guest.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(guest.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await expectNoAxeViolations(guest);
  await guest.getByRole('button', { name: 'Continue' }).click();
  await expect(guest).toHaveURL('/spaces/MKT');
  await expect(guest.getByRole('link', { name: 'Draft Q1 launch campaign brief' })).toBeVisible();
  // Completing the enrollment renewed the session id: the pre-enrollment cookie opens nothing.
  await expectSessionRenewed(browser, guest, beforeEnrollment);
  await guest.reload();
  await expect(guest.getByRole('link', { name: 'Draft Q1 launch campaign brief' })).toBeVisible();

  // The next sign-in asks for a code from the app; passing it renews the session id again.
  const again = await (await browser.newContext()).newPage();
  await signIn(again, 'jordan.blake@northwind-consulting.com');
  await expect(again).toHaveURL('/verify/authenticator');
  const beforeCode = await sessionCookie(again);
  // The next step's code (the enrollment used this step's).
  await again.getByLabel('Verification code').fill(totp(base32Decode(key), new Date(Date.now() + 30_000)));
  await again.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(again).toHaveURL('/spaces/MKT');
  await expectSessionRenewed(browser, again, beforeCode);
  await again.goto('/spaces/MKT');
  await expect(again.getByRole('link', { name: 'Draft Q1 launch campaign brief' })).toBeVisible();

  // Internal users are not affected by the external-user policy.
  const lee = await (await browser.newContext()).newPage();
  await signIn(lee, 'lee.chen@acme.com');
  await expect(lee).toHaveURL('/spaces');

  // The emailed passcode renews the session id too (same admin session: sign-ins are throttled per account).
  await (await setTwoStepPolicy(page, 'One-time passcode by email')).getByRole('button', { name: 'Update' }).click();
  await expect(page.getByText('External user security updated. It applies from each external user’s next request.')).toBeVisible();
  const casey = await (await browser.newContext()).newPage();
  await signIn(casey, 'casey.jones@brightagency.io');
  await expect(casey).toHaveURL('/verify/email');
  const beforePasscode = await sessionCookie(casey);
  // The pending session opens nothing but the verify step.
  const early = await browser.newContext();
  await early.addCookies([beforePasscode]);
  const earlyPage = await early.newPage();
  await earlyPage.goto('/spaces/MKT');
  await expect(earlyPage).toHaveURL(/\/verify/);
  await early.close();
  await casey.getByRole('button', { name: 'Send code' }).click();
  const mail = await waitForMail('casey.jones@brightagency.io', /is your Portico verification code$/);
  await casey.getByLabel('Verification code').fill(/^(\d{6}) /.exec(mail.subject)![1]);
  await casey.getByRole('button', { name: 'Verify', exact: true }).click();
  // Her home page (which one depends on what earlier specs did to her access).
  const home = /\/(spaces\/MKT|no-space|no-access)$/;
  await expect(casey).toHaveURL(home);
  await expectSessionRenewed(browser, casey, beforePasscode);
  await casey.reload();
  await expect(casey).toHaveURL(home);

  // Leave the site as the other specs expect it.
  await (await setTwoStepPolicy(page, 'None')).getByRole('button', { name: 'Update' }).click();
  await expect(page.getByText('External user security updated. It applies from each external user’s next request.')).toBeVisible();
});

test('turning on an authenticator app in account settings renews the session id and keeps the recovery codes on screen', async ({ page, browser }) => {
  await signIn(page, 'priya.shah@acme.com');
  await page.goto('/account/security/two-step/setup');
  await page.getByRole('button', { name: 'Get a setup key' }).click();
  await page.getByText('Can’t scan the code?').click();
  const key = (await page.getByTestId('manual-key').textContent())!.replace(/\s+/g, '');
  const before = await sessionCookie(page);
  await page.getByLabel('Verification code').fill(totp(base32Decode(key), new Date()));
  await page.getByLabel('Your password').fill('portico-demo');
  await page.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await expectSessionRenewed(browser, page, before);
  // Still there after the renewed cookie re-rendered the page.
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL('/account/security/two-step');
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
});
