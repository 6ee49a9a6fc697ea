import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'portico-demo';

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function signOut(page: Page) {
  await page.getByLabel('Your profile and settings').click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link');
}
