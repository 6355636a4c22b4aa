// The web client in a real Chromium against the whole platform, started as `npm start` starts it, with a 10-second
// hold so expiry can be watched. Each scenario is what a buyer or seller does, through labels and buttons.
// Needs Debian's Chromium (/usr/bin/chromium) and the infrastructure (PostgreSQL, NATS, Redis). Screenshots land in
// test-artifacts/screenshots/. E2E_BASE_URL=http://localhost:3000 runs it against a platform already up instead.
import type { Browser } from 'playwright-core';
import { dismiss, launchBrowser, newPerson, screenshot, type Person } from './support/browser';
import { startPlatformForE2E, type RunningPlatform } from './support/platform';
import {
  apiSignUp,
  buyFromTicketPage,
  countdownSeconds,
  eventually,
  header,
  listedTitles,
  payWithCard,
  sellTicket,
  signIn,
  signUp,
  uniqueEmail,
  uniqueTitle,
  visible,
} from './support/flows';

// Long enough that a loaded CI machine still pays in time, short enough to watch a hold expire.
const HOLD_SECONDS = 10;
const STARTUP_MS = 300_000;
// A scenario walks several pages in a real browser on a machine that also runs the whole platform and, in `npm test`,
// the other test files: the first page of each Next.js route also pays its first server render.
jest.setTimeout(60_000);

let platform: RunningPlatform;
let browser: Browser;
const people: Person[] = [];

async function person(opts: { mobile?: boolean } = {}): Promise<Person> {
  const p = await newPerson(browser, platform.url, opts);
  people.push(p);
  return p;
}

/** A signed-in seller (through the API) who lists tickets through the API; the subject of the test is elsewhere. */
async function sellerWithTickets(...tickets: Array<{ title: string; price: number }>) {
  const seller = await person();
  await apiSignUp(platform.url, seller.context, uniqueEmail('seller'));
  const ids: string[] = [];
  for (const t of tickets) {
    const response = await seller.context.request.post('/api/tickets', { data: t });
    expect(response.status()).toBe(201);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return { seller, ids };
}

beforeAll(async () => {
  platform = await startPlatformForE2E({
    env: { ORDER_EXPIRATION_SECONDS: String(HOLD_SECONDS), NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: '' },
    startTimeoutMs: STARTUP_MS,
    name: 'e2e-browser',
    acceptExternal: true,
  });
  browser = await launchBrowser();
}, STARTUP_MS + 30_000);

afterEach(async () => {
  const { errors, external } = await dismiss(people);
  expect(errors).toEqual([]);
  expect(external).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
}, 60_000);

describe('the web client in Chromium', () => {
  const story = { sellerEmail: uniqueEmail('seller'), title: uniqueTitle('Arctic Monkeys, Wembley, row F'), ticketId: '' };

  test('a seller signs up and lists a ticket; the API’s validation message shows beside the field', async () => {
    const { page } = await person();
    await page.goto('/signup');
    await screenshot(page, '01-sign-up');
    await page.getByLabel('Email', { exact: true }).fill(story.sellerEmail);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await visible(page.locator('#field-password-error'));
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await signUp(page, story.sellerEmail);
    await header(page).getByRole('link', { name: 'Sell', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sell a ticket' }));
    await page.getByLabel('Title', { exact: true }).fill(story.title);
    await page.getByLabel('Price (USD)', { exact: true }).fill('45.999');
    await page.getByRole('button', { name: 'List ticket' }).click();
    const priceError = await visible(page.locator('#field-price-error'));
    expect((await priceError.textContent())?.length).toBeGreaterThan(0);
    expect(await page.getByLabel('Price (USD)', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Price (USD)', { exact: true }).getAttribute('aria-describedby')).toContain('field-price-error');
    expect(await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-price');
    await screenshot(page, '02-sell-validation');

    story.ticketId = await sellTicket(page, story.title, '45.50');
    await visible(page.getByText('$45.50'));
    await visible(page.getByRole('link', { name: 'Edit' }));
    expect(await page.getByRole('button', { name: 'Buy' }).count()).toBe(0);
    await screenshot(page, '03-ticket-seller');

    // Signing out and in again keeps the account.
    await header(page).getByRole('button', { name: 'Sign out' }).click();
    await visible(header(page).getByRole('link', { name: 'Sign in' }));
    await page.goto('/signin');
    await page.getByLabel('Email', { exact: true }).fill(story.sellerEmail);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await visible(page.locator('form').getByRole('alert').filter({ hasText: 'Invalid credentials' }));
    await signIn(page, story.sellerEmail);
  });

  test('a buyer finds it, buys it, watches the countdown, pays with the test card and sees the order complete', async () => {
    await sellerWithTickets({ title: uniqueTitle('Hamilton, Victoria Palace'), price: 120 }, { title: uniqueTitle('Lakers v Celtics'), price: 89.99 });
    const { page } = await person();
    await signUp(page, uniqueEmail('buyer'));
    await header(page).getByRole('link', { name: 'Tickets', exact: true }).click();
    await visible(page.getByRole('link', { name: story.title }));
    await screenshot(page, '04-tickets');

    await page.getByRole('searchbox', { name: 'Search tickets by title' }).fill(story.title.split(',')[0] ?? story.title);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\?q=/);
    const results = page.getByRole('list', { name: /Tickets matching/ });
    expect(await results.locator('.ticket-card-title').allTextContents()).toEqual([story.title]);

    await results.getByRole('link', { name: story.title }).click();
    await visible(page.getByRole('heading', { level: 1, name: story.title }));
    await buyFromTicketPage(page);
    const first = await countdownSeconds(page);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(HOLD_SECONDS);
    await page.waitForTimeout(1100);
    expect(await countdownSeconds(page)).toBeLessThan(first);
    await visible(page.getByText('4242 4242 4242 4242').first());
    await screenshot(page, '05-order-countdown');

    await payWithCard(page, '4242 4242 4242 4242');
    await visible(page.getByText('Order complete'), 20_000);
    await visible(page.getByText('Complete', { exact: true }));
    await screenshot(page, '06-order-complete');

    await header(page).getByRole('link', { name: 'My orders' }).click();
    const row = page.getByRole('listitem').filter({ hasText: story.title });
    await visible(row.getByText('Complete', { exact: true }));
    await screenshot(page, '07-my-orders');
  });

  test('another buyer sees the ticket gone; the seller sees it sold', async () => {
    const { page } = await person();
    await eventually('the sold ticket to leave the listing', async () => !(await listedTitles(page, story.title)).includes(story.title));
    await visible(page.getByText(`No tickets match “${story.title}”.`));

    await page.goto(`/tickets/${story.ticketId}`);
    await visible(page.getByText('This ticket is no longer for sale.'));
    expect(await page.getByRole('button', { name: 'Buy' }).count()).toBe(0);
    await screenshot(page, '08-ticket-sold');

    const seller = await person();
    await signIn(seller.page, story.sellerEmail);
    await header(seller.page).getByRole('link', { name: 'My listings' }).click();
    const card = seller.page.getByRole('listitem').filter({ hasText: story.title });
    await visible(card.getByText('Sold', { exact: true }));
    await screenshot(seller.page, '09-my-listings');
  });

  test('a hold left to expire returns the ticket to the listing', async () => {
    const title = uniqueTitle('Coldplay, Cardiff');
    const { ids } = await sellerWithTickets({ title, price: 75 });
    const buyer = await person();
    await apiSignUp(platform.url, buyer.context, uniqueEmail('buyer'));
    await buyer.page.goto(`/tickets/${ids[0]}`);
    await buyFromTicketPage(buyer.page);

    const onlooker = await person();
    await eventually('the held ticket to leave the listing', async () => !(await listedTitles(onlooker.page, title)).includes(title));
    await onlooker.page.goto(`/tickets/${ids[0]}`);
    await visible(onlooker.page.getByText('On hold: someone is buying this ticket right now.'));

    await visible(buyer.page.getByText('Your hold has expired'), (HOLD_SECONDS + 10) * 1000);
    expect(await buyer.page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    await screenshot(buyer.page, '10-order-expired');

    await eventually('the ticket to come back on sale', async () => (await listedTitles(onlooker.page, title)).includes(title), 15_000, 500);
  });

  test('a declined card shows the decline and leaves the order payable', async () => {
    const title = uniqueTitle('Glastonbury weekend');
    const { ids } = await sellerWithTickets({ title, price: 355 });
    const { page, context } = await person();
    await apiSignUp(platform.url, context, uniqueEmail('buyer'));
    await page.goto(`/tickets/${ids[0]}`);
    await buyFromTicketPage(page);

    await payWithCard(page, '4000 0000 0000 0002');
    const alert = await visible(page.getByRole('alert').filter({ hasText: 'Payment declined' }));
    expect(await alert.textContent()).toContain('Your card was declined.');
    await visible(page.getByRole('button', { name: /^Pay / }));
    await screenshot(page, '11-payment-declined');

    // A number that is not a test card is caught before anything is sent.
    await payWithCard(page, '1234 5678 9012 3456');
    await visible(page.getByText('That is not one of the test card numbers listed below.'));
  });

  test('the seller cannot edit a held ticket; an edit that loses the race shows the API’s 409', async () => {
    const title = uniqueTitle('Wimbledon Centre Court');
    const { seller, ids } = await sellerWithTickets({ title, price: 210 });
    const ticketId = ids[0]!;
    // One tab opens the edit form while the ticket is free: its save will race the buyer.
    const staleForm = await seller.context.newPage();
    await staleForm.goto(`/tickets/${ticketId}/edit`);
    await visible(staleForm.getByRole('heading', { name: 'Edit ticket' }));

    const buyer = await person();
    await apiSignUp(platform.url, buyer.context, uniqueEmail('buyer'));
    await buyer.page.goto(`/tickets/${ticketId}`);
    await buyFromTicketPage(buyer.page);
    await eventually('tickets to learn of the hold', async () => {
      const response = await seller.context.request.get(`/api/tickets/${ticketId}`);
      return ((await response.json()) as { status: string }).status === 'reserved';
    });

    await seller.page.goto(`/tickets/${ticketId}`);
    await visible(seller.page.getByText('On hold: a buyer is paying for it.'));
    expect(await seller.page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await screenshot(seller.page, '13-ticket-held-seller');
    await seller.page.goto(`/tickets/${ticketId}/edit`);
    await visible(seller.page.getByText('can’t be edited right now', { exact: false }));
    expect(await seller.page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);

    await staleForm.getByLabel('Price (USD)', { exact: true }).fill('250');
    await staleForm.getByRole('button', { name: 'Save changes' }).click();
    const alert = await visible(staleForm.locator('form').getByRole('alert'));
    expect(await alert.textContent()).toMatch(/held/i);
    expect(staleForm.url()).toContain('/edit');
    await screenshot(staleForm, '12-edit-conflict');

    const unchanged = await seller.context.request.get(`/api/tickets/${ticketId}`);
    expect(((await unchanged.json()) as { price: number }).price).toBe(210);
  });

  test('"Load more" pages through the listing without repeating a ticket', async () => {
    const word = uniqueTitle('Proms').replace(' ', '-');
    const titles = Array.from({ length: 14 }, (_, i) => `${word} night ${i + 1}`);
    await sellerWithTickets(...titles.map((title, i) => ({ title, price: 10 + i })));
    const { page } = await person();
    await page.goto(`/tickets?q=${encodeURIComponent(word)}`);
    const list = page.getByRole('list', { name: /Tickets matching/ });
    await visible(list);
    expect(await list.getByRole('listitem').count()).toBe(12);
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually('the second page', async () => (await list.getByRole('listitem').count()) === 14);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    const shown = await list.locator('.ticket-card-title').allTextContents();
    expect([...shown].sort()).toEqual([...titles].sort());
    expect(shown[0]).toBe(titles[13]); // newest first
  });

  test('pages stay readable on a phone, and unknown pages say so', async () => {
    const { page } = await person({ mobile: true });
    await page.goto('/tickets');
    await visible(page.getByRole('heading', { name: 'Tickets for sale' }));
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '14-tickets-mobile');

    const missing = await page.goto('/tickets/00000000-0000-4000-8000-000000000000');
    expect(missing?.status()).toBe(404);
    await visible(page.getByRole('heading', { name: 'Not found' }));
    await page.goto('/orders');
    await page.waitForURL(/\/signin\?next=%2Forders|\/signin\?next=\/orders/);
  });

  test('a service that is down gives a readable message, not a blank page, and the page recovers', async () => {
    if (!platform.stopService || !platform.startService) throw new Error('needs a platform this suite started (not E2E_BASE_URL)');
    const { page } = await person();
    await platform.stopService('tickets');
    try {
      const response = await page.goto('/tickets');
      expect(response?.status()).toBe(200);
      await visible(page.getByRole('heading', { name: 'Tickets could not be loaded' }));
      await visible(page.getByText('The service is unavailable right now.', { exact: false }));
      await visible(header(page).getByRole('link', { name: 'Sign in' })); // the rest of the site still works
      await screenshot(page, '16-service-down');
    } finally {
      await platform.startService('tickets');
    }
    await page.reload();
    await visible(page.getByRole('heading', { name: 'Tickets for sale' }));
    expect(await page.getByRole('heading', { name: 'Tickets could not be loaded' }).count()).toBe(0);
  });
});
