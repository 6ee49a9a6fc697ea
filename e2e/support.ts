import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const DEMO_PASSWORD = 'portico-demo';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function signOut(page: Page) {
  await page.locator('summary').filter({ hasText: 'Your profile and settings' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link');
}

/**
 * axe-core on the page as it is now: no WCAG 2.0/2.1 level A or AA violation (issue 7). The
 * failure lists each rule with the elements that break it.
 */
export async function expectNoAxeViolations(page: Page) {
  // Next streams a page's metadata after its content: right after a server action re-renders the
  // page, the new <title> can arrive a moment after the content a test waited for. Every page must
  // have one; wait for it (failing if it never comes), then audit the settled page.
  await expect(page, `title of ${new URL(page.url()).pathname}`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(violations, `axe on ${new URL(page.url()).pathname}`).toEqual([]);
}
