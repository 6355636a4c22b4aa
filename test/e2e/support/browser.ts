// Debian's Chromium driven by playwright-core (no browser download): one browser per suite, one context per person.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../support/platform-runner';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-artifacts', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export type Person = Awaited<ReturnType<typeof newPerson>>;

/** A fresh person: own cookies, a desktop viewport (or a phone's), browser errors collected for the test to check. */
export async function newPerson(browser: Browser, baseURL: string, opts: { mobile?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({
    baseURL,
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
  });
  context.setDefaultTimeout(15_000);
  // Uncaught exceptions and React's console errors (hydration mismatches, ...), from every tab of this person. A 4xx
  // the page handles on purpose (a declined card, a lost race) is logged by Chromium as a failed resource: expected.
  const pageErrors: string[] = [];
  context.on('page', (tab) => {
    tab.on('pageerror', (err) => pageErrors.push(err.message));
    tab.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });
  const page: Page = await context.newPage();
  // The site loads nothing from elsewhere (no web fonts, no CDNs); Stripe.js is the one exception, when configured.
  const origin = new URL(baseURL).origin;
  const externalRequests: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:') externalRequests.push(request.url());
  });
  return { context, page, pageErrors, externalRequests };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Closes each person's browser context (emptying the list); resolves with what went wrong in their tabs. */
export async function dismiss(people: Person[]): Promise<{ errors: string[]; external: string[] }> {
  const errors = people.flatMap((p) => p.pageErrors);
  const external = people.flatMap((p) => p.externalRequests);
  await Promise.all(people.splice(0).map((p) => p.context.close()));
  return { errors, external };
}
