// Listings and orders as the browser tests need them: listings made through the API for scenarios whose subject is
// elsewhere, and what a buyer does on an event page and a checkout, in the words the pages use.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { orderIdFrom, visible } from './flows';

export interface ListingBody {
  eventId: string;
  section: string;
  row?: string;
  seats?: string[];
  quantity?: number;
  price: number;
  faceValue: number;
  split: 'any' | 'even' | 'all' | 'no-single';
}

export interface Listing {
  id: string;
  eventId: string;
  price: number;
  quantity: number;
  available: number;
  buyableQuantities: number[];
  status: string;
  tickets: { id: string; seat: string | null; status?: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POST /api/listings with the context's session; retried while tickets has not learned of an event scheduled moments
 * ago (400 on eventId), as docs/api.md warns.
 */
export async function createListing(context: BrowserContext, body: ListingBody, timeoutMs = 15_000): Promise<Listing> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await context.request.post('/api/listings', { data: { delivery: 'later', ...body } });
    if (response.status() === 201) return (await response.json()) as Listing;
    const text = await response.text();
    if (response.status() !== 400 || !text.includes('eventId') || Date.now() > deadline) throw new Error(`POST /api/listings: HTTP ${response.status()} ${text}`);
    await sleep(200);
  }
}

export async function getListing(context: BrowserContext, id: string): Promise<Listing> {
  const response = await context.request.get(`/api/listings/${id}`);
  if (response.status() !== 200) throw new Error(`GET /api/listings/${id}: HTTP ${response.status()}`);
  return (await response.json()) as Listing;
}

/** One listing on the event page, found by its heading (section and row as the page writes them). */
export function offer(page: Page, heading: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: heading, exact: true }) });
}

/** The quantities an offer's selector offers. */
export async function offeredQuantities(item: Locator): Promise<number[]> {
  const values = await item.getByRole('combobox', { name: 'Tickets' }).locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
  return values.map(Number);
}

/** Chooses k in an offer and presses Buy, without waiting for the checkout (two buyers can press at once). */
export async function pressBuy(item: Locator, k: number): Promise<void> {
  const select = item.getByRole('combobox', { name: 'Tickets' });
  if ((await select.count()) > 0) await select.selectOption(String(k));
  await item.getByRole('button', { name: k === 1 ? 'Buy 1 ticket' : `Buy ${k} tickets` }).click();
}

/** After Buy: the checkout with its countdown. Resolves with the order id. */
export async function reachCheckout(page: Page): Promise<string> {
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await visible(page.getByRole('timer'));
  return orderIdFrom(page.url());
}

/** What a checkout shows of the order: its seats and the breakdown, as text. */
export async function checkoutFigures(page: Page): Promise<{ seats: string; subtotal: string; fee: string; total: string; quantityLine: string }> {
  const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
  const breakdown = page.getByRole('table', { name: 'Price breakdown' });
  return {
    seats: await text('order-seats'),
    subtotal: await text('order-subtotal'),
    fee: await text('order-fee'),
    total: await text('order-total'),
    quantityLine: ((await breakdown.getByRole('rowheader').first().textContent()) ?? '').trim(),
  };
}
