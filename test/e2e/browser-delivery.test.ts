// Delivery in a real Chromium against the whole platform (its own, as `npm start` starts it): a seller lists a seat
// with its PDF for instant delivery through the sell page (bad files and a barcode already on sale are refused beside
// their input, and fixed), another person buys it, sees the barcode as a QR code a scanner reads, and downloads the
// very bytes the seller uploaded; a `later` ticket: the buyer is told by when it comes, the seller uploads it from My
// listings after the sale, and the buyer's page shows it arrive; a seller who never delivers: the buyer reads that the
// total was refunded. Needs /usr/bin/chromium and the infrastructure. Screenshots: test-artifacts/screenshots/delivery-*.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { formatLocalTime } from '@ticketing/common/time';
import { dismiss, launchBrowser, newPerson, screenshot, type Person } from './support/browser';
import { createEvent, uniqueWord, type CatalogEvent } from './support/catalogue';
import { attachBarcode, choosePdf, itemRow, scanQrCode, ticketPass, ticketPdf, uniqueBarcode } from './support/browser-delivery';
import { apiSignUp, eventually, payWithCard, uniqueEmail, visible } from './support/flows';
import { createListing, getListing, offer, pressBuy, reachCheckout } from './support/marketplace';
import { startPlatformForE2E, type RunningPlatform } from './support/platform';

const STARTUP_MS = 300_000;
// 72 s before the event: days-away events are unaffected, and one starting in a few minutes misses its deadline
// within the missed-delivery scenario (the sweeper runs every 2 s).
const CUTOFF_HOURS = 0.02;
const CUTOFF_MS = CUTOFF_HOURS * 3_600_000;
jest.setTimeout(60_000);

let platform: RunningPlatform;
let browser: Browser;
const people: Person[] = [];
let curator: Person;
let concert: CatalogEvent;

async function signedUp(role: string, opts: { mobile?: boolean } = {}): Promise<Person & { email: string }> {
  const p = await newPerson(browser, platform.url, opts);
  people.push(p);
  const email = uniqueEmail(role);
  await apiSignUp(platform.url, p.context, email);
  return { ...p, email };
}

beforeAll(async () => {
  const curatorEmail = uniqueEmail('curator');
  platform = await startPlatformForE2E({
    env: { NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: '', ADMIN_EMAILS: curatorEmail, DELIVERY_CUTOFF_HOURS: String(CUTOFF_HOURS), DELIVERY_SWEEP_INTERVAL_SECONDS: '2' },
    startTimeoutMs: STARTUP_MS,
    name: 'e2e-delivery',
    acceptExternal: false,
  });
  browser = await launchBrowser();
  curator = await newPerson(browser, platform.url);
  await apiSignUp(platform.url, curator.context, curatorEmail);
  concert = await createEvent(curator.context, {
    name: `Velvet Harbour ${uniqueWord()}: Door Night`,
    category: 'concert',
    venue: { name: 'Riverside Arena', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    inDays: 12,
  });
}, STARTUP_MS + 60_000);

afterEach(async () => {
  const { errors, external } = await dismiss(people);
  expect(errors).toEqual([]);
  expect(external).toEqual([]);
});

afterAll(async () => {
  await curator?.context.close();
  await browser?.close();
  await platform?.stop();
}, 60_000);

describe('delivery in Chromium', () => {
  test('instant: a seat listed with its PDF (a non-PDF, an oversized file, a fake PDF and a barcode already on sale each refused beside its input, then fixed), bought by another person, who sees a QR code that scans and downloads the same bytes', async () => {
    // Someone already sells a ticket with this barcode: the platform allows one barcode on sale once.
    const taken = uniqueBarcode('TAKEN');
    const other = await signedUp('other-seller');
    const earlier = await createListing(other.context, { eventId: concert.id, section: 'Block 300', seats: ['1'], price: 40, faceValue: 40, split: 'any' });
    await attachBarcode(other.context, earlier.tickets[0]!.id, taken);

    const seller = await signedUp('seller');
    const barcode = uniqueBarcode();
    const pdf = await ticketPdf(concert.name, 'Block 101 · Row B · Seat 7', barcode);
    const { page } = seller;
    await page.goto(`/sell?eventId=${concert.id}`);
    await page.getByLabel('Numbered seats').check();
    await page.getByLabel('Section', { exact: true }).fill('Block 101');
    await page.getByLabel('Row (optional)').fill('B');
    await page.getByLabel('Seats', { exact: true }).fill('7');
    await page.getByLabel('Face value per ticket (USD)').fill('50');
    await page.getByLabel('Price per ticket (USD)').fill('55');
    await page.getByLabel('Instant').check();
    const row = itemRow(page, 'Seat 7');
    await visible(row);

    // Checked before anything is sent: a file that is not a PDF, and a missing barcode.
    await choosePdf(row, 'ticket.pdf', Buffer.from('GIF89a not a ticket'), 'application/pdf');
    await page.getByRole('button', { name: 'List 1 ticket' }).click();
    await visible(row.getByText('That file is not a PDF', { exact: false }));
    await visible(row.getByText('Enter the barcode number printed on the ticket.'));
    const oversized = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * 1024 * 1024 + 100 * 1024, 0x20), Buffer.from('\n%%EOF\n')]);
    await choosePdf(row, 'scan.pdf', oversized);
    await page.getByRole('button', { name: 'List 1 ticket' }).click();
    await visible(row.getByText('That file is 2.1 MB; a ticket PDF may be at most 2 MB.'));
    expect((await sellerListings(seller)).length).toBe(0);

    // Looks like a PDF at both ends, but is none: the listing is made (pending) and the service refuses the file (400).
    await choosePdf(row, 'ticket-7.pdf', Buffer.from('%PDF-1.7\nthis is not a document\n%%EOF\n'));
    await row.getByLabel('Barcode').fill(taken);
    await page.getByRole('button', { name: 'List 1 ticket' }).click();
    await visible(row.getByText('file must be a PDF document', { exact: false }));
    await visible(page.getByRole('button', { name: 'Attach the remaining tickets' }));
    const [pending] = await sellerListings(seller);
    expect(pending).toMatchObject({ status: 'pending', delivery: 'instant' });

    // The real PDF, but the barcode someone else sells: refused beside the barcode (409).
    await choosePdf(row, 'ticket-7.pdf', pdf);
    await page.getByRole('button', { name: 'Attach the remaining tickets' }).click();
    await visible(row.getByText('This barcode is already on sale or sold', { exact: false }));
    expect((await getListing(seller.context, pending!.id)).status).toBe('pending');
    await screenshot(page, 'delivery-01-sell-duplicate-barcode');
    // The same page on a phone: the rows fit.
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await screenshot(page, 'delivery-01b-sell-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    await row.getByLabel('Barcode').fill(barcode);
    await page.getByRole('button', { name: 'Attach the remaining tickets' }).click();
    await page.waitForURL(/\/listings\?listed=/);
    await visible(page.getByText('on sale now', { exact: false }));
    const mine = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: concert.name }) });
    expect(await mine.getByRole('list', { name: 'Tickets' }).getByRole('listitem').allTextContents()).toEqual(['7AvailableAttached']);
    expect((await getListing(seller.context, pending!.id)).status).toBe('active');
    await screenshot(page, 'delivery-02-listed-instant');

    const buyer = await signedUp('buyer');
    await buyer.page.goto(`/events/${concert.id}`);
    const item = offer(buyer.page, 'Block 101 · Row B');
    await visible(item.getByText('Instant download', { exact: false }));
    await pressBuy(item, 1);
    const orderId = await reachCheckout(buyer.page);
    await payWithCard(buyer.page, '4242 4242 4242 4242');
    await visible(buyer.page.getByText('Order complete'), 20_000);

    const pass = ticketPass(buyer.page, 'Seat 7');
    await visible(pass, 20_000);
    await visible(pass.getByText('Block 101 · Row B'));
    expect(await pass.getByTestId('ticket-barcode').textContent()).toBe(barcode);
    const qr = await visible(pass.getByRole('img', { name: `QR code of ticket ${barcode}` }));
    expect(await scanQrCode(buyer.page, qr)).toBe(barcode);
    await screenshot(buyer.page, 'delivery-03-order-tickets');

    const [download] = await Promise.all([buyer.page.waitForEvent('download'), pass.getByRole('link', { name: 'Download PDF' }).click()]);
    expect(download.suggestedFilename()).toBe('ticket-7.pdf');
    const saved = await download.path();
    expect(Buffer.compare(fs.readFileSync(saved), pdf)).toBe(0);

    // At the door, on a phone 375 px wide: the ticket comes first, the code fits and still scans.
    const phone = await newPerson(browser, platform.url, { mobile: true });
    people.push(phone);
    await phone.context.addCookies(await buyer.context.cookies());
    await phone.page.setViewportSize({ width: 375, height: 812 });
    await phone.page.goto(`/orders/${orderId}`);
    const phoneQr = await visible(ticketPass(phone.page, 'Seat 7').getByRole('img', { name: `QR code of ticket ${barcode}` }));
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    const box = (await phoneQr.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(220);
    expect(box.y + box.height).toBeLessThan(812 + 200);
    expect(await scanQrCode(phone.page, phoneQr)).toBe(barcode);
    await screenshot(phone.page, 'delivery-04-order-phone');
  });

  test('an instant listing left pending is finished from My listings, ticket by ticket, and goes on sale', async () => {
    const seller = await signedUp('seller');
    const response = await seller.context.request.post('/api/listings', {
      data: { eventId: concert.id, section: 'Standing', quantity: 2, price: 45, faceValue: 45, split: 'any', delivery: 'instant' },
    });
    expect(response.status()).toBe(201);
    const listing = (await response.json()) as { id: string; status: string };
    expect(listing.status).toBe('pending');

    const { page } = seller;
    await page.goto('/listings');
    const mine = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: concert.name }) }).filter({ hasText: 'Standing' });
    await visible(mine.getByText('Waiting for ticket files', { exact: true }));
    await visible(mine.getByRole('heading', { name: 'Attach 2 tickets to put this listing on sale' }));
    const first = itemRow(mine, 'Ticket 1');
    await first.getByLabel('Barcode').fill(uniqueBarcode('GA'));
    await first.getByRole('button', { name: 'Attach ticket 1' }).click();
    await visible(mine.getByRole('heading', { name: 'Attach the last ticket to put this listing on sale' }));
    const second = itemRow(mine, 'Ticket 2');
    const barcode = uniqueBarcode('GA');
    await choosePdf(second, 'standing-2.pdf', await ticketPdf(concert.name, 'Standing', barcode));
    await second.getByLabel('Barcode').fill(barcode);
    await screenshot(page, 'delivery-10-my-listings-pending');
    await second.getByRole('button', { name: 'Attach ticket 2' }).click();
    await visible(mine.getByText('On sale', { exact: true }));
    expect(await mine.getByRole('list', { name: 'Tickets' }).getByRole('listitem').allTextContents()).toEqual(['#1AvailableAttached', '#2AvailableAttached']);
    expect((await getListing(seller.context, listing.id)).status).toBe('active');
  });

  test('later: the buyer is told by when the ticket comes; the seller uploads it from My listings after the sale; the buyer’s page shows it arrive', async () => {
    const seller = await signedUp('seller');
    const listing = await createListing(seller.context, { eventId: concert.id, section: 'Stalls', row: 'K', seats: ['21'], price: 60, faceValue: 60, split: 'any' });
    const buyer = await signedUp('buyer');
    await buyer.page.goto(`/events/${concert.id}`);
    const item = offer(buyer.page, 'Stalls · Row K');
    await visible(item.getByText('Tickets sent before the event', { exact: false }));
    await pressBuy(item, 1);
    await reachCheckout(buyer.page);
    await payWithCard(buyer.page, '4242 4242 4242 4242');
    await visible(buyer.page.getByText('Order complete'), 20_000);

    const deadline = new Date(Date.parse(concert.startsAt) - CUTOFF_MS).toISOString();
    const pending = await visible(buyer.page.getByTestId('delivery-pending').filter({ hasText: 'The seller delivers' }), 20_000);
    expect(await pending.textContent()).toContain(`The seller delivers your ticket by ${formatLocalTime(deadline, concert.timeZone)}; if they don’t, you are refunded in full.`);
    expect(await buyer.page.getByRole('list', { name: 'Tickets' }).count()).toBe(0);
    await screenshot(buyer.page, 'delivery-05-order-awaiting');

    // The seller: the sold seat to deliver, with its deadline and the time left; a barcode alone (a mobile ticket).
    const barcode = uniqueBarcode('LATER');
    await eventually('the sale to reach My listings', async () => {
      await seller.page.goto('/listings');
      return (await seller.page.getByText('To deliver: 1 sold ticket').count()) === 1;
    });
    const row = itemRow(seller.page, 'Seat 21');
    const due = await visible(row.getByTestId('delivery-deadline').filter({ hasText: 'left' }));
    expect(await due.textContent()).toMatch(/^Deliver by \w{3} \d{1,2} \w{3}, \d{2}:\d{2} — (\d+ days|\d+ hours) left$/);
    await screenshot(seller.page, 'delivery-06-my-listings-to-deliver');
    await seller.page.setViewportSize({ width: 375, height: 812 });
    expect(await seller.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await screenshot(seller.page, 'delivery-06b-my-listings-phone');
    await row.getByLabel('Barcode').fill(barcode);
    await row.getByRole('button', { name: 'Attach seat 21' }).click();
    const mine = seller.page.getByRole('listitem').filter({ has: seller.page.getByRole('heading', { name: concert.name }) }).filter({ hasText: 'Stalls · Row K' });
    await visible(mine.getByRole('status').filter({ hasText: 'Seat 21 delivered: its buyer has it now.' }));
    await eventually('the ticket to read delivered', async () => (await mine.getByRole('list', { name: 'Tickets' }).getByRole('listitem').allTextContents()).join() === '21SoldDelivered');
    expect(await seller.page.getByText('To deliver:', { exact: false }).count()).toBe(0);
    expect((await getListing(seller.context, listing.id)).tickets[0]).toMatchObject({ delivered: true, hasItem: true, deliveryDeadline: null });
    await screenshot(seller.page, 'delivery-07-my-listings-delivered');

    // The buyer's open page notices by itself.
    const pass = ticketPass(buyer.page, 'Seat 21');
    await visible(pass, 30_000);
    expect(await pass.getByTestId('ticket-barcode').textContent()).toBe(barcode);
    expect(await scanQrCode(buyer.page, pass.getByRole('img', { name: `QR code of ticket ${barcode}` }))).toBe(barcode);
    expect(await pass.getByRole('link', { name: 'Download PDF' }).count()).toBe(0);
    await screenshot(buyer.page, 'delivery-08-order-delivered');
    await buyer.page.goto('/orders');
    await visible(buyer.page.getByRole('list', { name: 'Orders' }).getByRole('listitem').filter({ hasText: 'Stalls · Row K' }).getByText('Ticket ready'));
  });

  test('missed: a seller who never delivers; past the deadline the buyer’s page says so and that the total was refunded in full', async () => {
    const show = await eventStartingAt(new Date(Date.now() + CUTOFF_MS + 45_000));
    const seller = await signedUp('seller');
    await createListing(seller.context, { eventId: show.id, section: 'Cabaret tables', quantity: 1, price: 25, faceValue: 25, split: 'any' });
    const buyer = await signedUp('buyer');
    await eventually('the listing to reach the event page', async () => {
      await buyer.page.goto(`/events/${show.id}`);
      return (await offer(buyer.page, 'Cabaret tables').count()) === 1;
    });
    await pressBuy(offer(buyer.page, 'Cabaret tables'), 1);
    await reachCheckout(buyer.page);
    await payWithCard(buyer.page, '4242 4242 4242 4242');
    await visible(buyer.page.getByTestId('delivery-pending').filter({ hasText: 'The seller delivers your ticket by' }), 20_000);

    // The deadline passes with nothing uploaded: the sweeper misses the delivery, orders cancels, payments refunds.
    const refunded = await visible(buyer.page.getByText('The seller did not deliver; you were refunded $27.50 in full.'), 90_000);
    expect(await buyer.page.getByRole('heading', { name: 'Your ticket' }).count()).toBe(0);
    await visible(buyer.page.getByText('Not delivered: refunded'));
    expect(await refunded.isVisible()).toBe(true);
    await screenshot(buyer.page, 'delivery-09-order-not-delivered');

    // The receipt (read when the page loads) has the payment and its refund, with why.
    const refundLine = buyer.page.getByTestId('receipt-refund');
    await eventually('the receipt to show the refund made', async () => {
      await buyer.page.reload();
      return (await refundLine.count()) === 1 && ((await refundLine.textContent()) ?? '').startsWith('Refunded $27.50 on');
    });
    expect(await buyer.page.getByTestId('receipt-payment').textContent()).toMatch(/^Paid \$27\.50 on /);
    expect(await refundLine.textContent()).toMatch(/— the seller did not deliver$/);
    await screenshot(buyer.page, 'delivery-09b-order-receipt');
  }, 150_000);
});

/** As an admin: an event starting at a chosen instant (minutes away), through catalog. */
async function eventStartingAt(startsAt: Date): Promise<CatalogEvent> {
  const response = await curator.context.request.post('/api/events', {
    data: { name: `Last Call ${uniqueWord()}`, category: 'comedy', venue: { name: 'Cellar Club', city: 'Leeds', country: 'GB' }, timeZone: 'Europe/London', startsAt: startsAt.toISOString() },
  });
  if (response.status() !== 201) throw new Error(`POST /api/events: HTTP ${response.status()} ${await response.text()}`);
  return (await response.json()) as CatalogEvent;
}

/** The seller's listings as the API has them (the sell page made them, or did not). */
async function sellerListings(seller: Person): Promise<{ id: string; status: string; delivery: string }[]> {
  const me = (await (await seller.context.request.get('/api/users/currentuser')).json()) as { currentUser: { id: string } };
  const response = await seller.context.request.get(`/api/listings?sellerId=${me.currentUser.id}`);
  return ((await response.json()) as { listings: { id: string; status: string; delivery: string }[] }).listings;
}
