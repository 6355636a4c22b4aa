// What a person does on the site, in the words the site uses (labels, button names): a renamed button breaks these
// on purpose, since a screen-reader user would be lost too.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery';

export function uniqueEmail(role: string): string {
  return `${role}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Polls fn until it returns true (for state that other services settle a moment later). */
export async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 300): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
}

export function header(page: Page): Locator {
  return page.getByRole('banner');
}

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await visible(header(page).getByText(email));
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
  await visible(header(page).getByText(email));
}

export function orderIdFrom(url: string): string {
  const id = /\/orders\/([0-9a-f-]{36})/.exec(url)?.[1];
  if (!id) throw new Error(`not an order page: ${url}`);
  return id;
}

export async function payWithCard(page: Page, cardNumber: string): Promise<void> {
  await page.getByLabel('Card number', { exact: true }).fill(cardNumber);
  await page.getByRole('button', { name: /^Pay / }).click();
}

/** The seconds the countdown shows (m:ss or h:mm:ss). */
export async function countdownSeconds(page: Page): Promise<number> {
  const text = (await page.getByRole('timer').textContent())?.trim() ?? '';
  const parts = text.split(':').map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isFinite(n))) throw new Error(`countdown reads "${text}"`);
  return parts.reduce((total, n) => total * 60 + n, 0);
}

/** A person set up through the API (fast) for scenarios whose subject is something else; the browser gets the cookie. */
export async function apiSignUp(baseURL: string, context: BrowserContext, email: string): Promise<void> {
  const response = await fetch(`${baseURL}/api/users/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`sign-up for ${email}: HTTP ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((line) => {
    const [pair] = line.split(';');
    const [name, ...value] = (pair ?? '').split('=');
    return { name: (name ?? '').trim(), value: value.join('='), url: baseURL };
  });
  await context.addCookies(cookies);
}
