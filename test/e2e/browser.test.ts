// The web client in a real Chromium against the whole platform, started as `npm start` starts it, with a short hold so
// expiry can be watched. Each scenario is what a buyer or seller does, through labels and buttons: a seller lists four
// seats side by side through the sell page, two buyers take two each at the same moment, each checkout shows its own
// seats and the money, one pays. Needs Debian's Chromium (/usr/bin/chromium) and the infrastructure (PostgreSQL, NATS,
// Redis). Screenshots land in test-artifacts/screenshots/. E2E_BASE_URL runs it against a platform already up (then
// E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD name an admin there, who schedules the scenarios' events).
import type { Browser } from 'playwright-core';
import { dismiss, launchBrowser, newPerson, screenshot, type Person } from './support/browser';
import { apiSignIn, createEvent, shownTime, uniqueWord, type CatalogEvent } from './support/catalogue';
import { apiSignUp, countdownSeconds, eventually, header, payWithCard, signIn, signUp, uniqueEmail, visible } from './support/flows';
import { checkoutFigures, createListing, getListing, offer, offeredQuantities, pressBuy, reachCheckout } from './support/marketplace';
import { startPlatformForE2E, type RunningPlatform } from './support/platform';

// Long enough that a loaded machine still pays in time, short enough to watch a hold expire within a scenario.
const HOLD_SECONDS = 20;
const STARTUP_MS = 300_000;
// A scenario walks several pages in a real browser on a machine that also runs the whole platform and, in `npm test`,
// the other test files: the first page of each Next.js route also pays its first server render.
jest.setTimeout(60_000);
const external = Boolean(process.env.E2E_BASE_URL);
const CURATOR_EMAIL = external ? (process.env.E2E_ADMIN_EMAIL ?? '') : uniqueEmail('curator');

let platform: RunningPlatform;
let browser: Browser;
const people: Person[] = [];
let curator: Person;
/** The event the story's seller lists for, and another for the scenarios that list through the API. */
let concert: CatalogEvent;
let match: CatalogEvent;

async function person(opts: { mobile?: boolean } = {}): Promise<Person> {
  const p = await newPerson(browser, platform.url, opts);
  people.push(p);
  return p;
}

async function signedUp(role: string): Promise<Person> {
  const p = await person();
  await apiSignUp(platform.url, p.context, uniqueEmail(role));
  return p;
}

beforeAll(async () => {
  if (external && !(process.env.E2E_ADMIN_EMAIL && process.env.E2E_ADMIN_PASSWORD)) {
    throw new Error('With E2E_BASE_URL, set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to an admin account of that platform.');
  }
  platform = await startPlatformForE2E({
    env: { ORDER_EXPIRATION_SECONDS: String(HOLD_SECONDS), NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: '', ADMIN_EMAILS: CURATOR_EMAIL },
    startTimeoutMs: STARTUP_MS,
    name: 'e2e-browser',
    acceptExternal: true,
  });
  browser = await launchBrowser();
  curator = await newPerson(browser, platform.url);
  if (external) await apiSignIn(curator.context, CURATOR_EMAIL, process.env.E2E_ADMIN_PASSWORD);
  else await apiSignUp(platform.url, curator.context, CURATOR_EMAIL);
  const word = uniqueWord();
  concert = await createEvent(curator.context, {
    name: `Velvet Harbour ${word}: Farewell Tour`,
    category: 'concert',
    venue: { name: 'Riverside Arena', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    inDays: 12,
  });
  match = await createEvent(curator.context, {
    name: `Thames Rovers vs Irwell Town ${word}`,
    category: 'sports',
    venue: { name: 'Docklands Stadium', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    inDays: 20,
    time: '17:30',
  });
}, STARTUP_MS + 60_000);

afterEach(async () => {
  const { errors, external: foreign } = await dismiss(people);
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
});

afterAll(async () => {
  await curator?.context.close();
  await browser?.close();
  await platform?.stop();
}, 60_000);

describe('the marketplace in Chromium', () => {
  const story = { sellerEmail: uniqueEmail('seller'), listingId: '' };

  test('a seller signs up (the API’s validation beside the field) and lists four seats side by side through the sell page', async () => {
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
    await visible(page.getByRole('heading', { level: 1, name: 'Sell tickets' }));
    // The event by search, as the seller remembers it.
    await page.getByLabel('Search for the event').fill(concert.name.split(':')[0]!);
    await page.getByRole('list', { name: 'Matching events' }).getByRole('button', { name: new RegExp(`^${concert.name}`) }).click();
    await visible(page.getByTestId('picked-event').getByText(shownTime(concert), { exact: false }));
    await page.getByLabel('Numbered seats').check();
    await page.getByLabel('Section', { exact: true }).fill('Block 512');
    await page.getByLabel('Row (optional)').fill('F');
    await page.getByLabel('Seats', { exact: true }).fill('11-14');
    await visible(page.getByText('4 seats: 11, 12, 13, 14'));
    await page.getByLabel('Face value per ticket (USD)').fill('60');
    // Over the cap (20 % over face value: $72.00): refused here, beside the price, before anything is sent.
    await page.getByLabel('Price per ticket (USD)').fill('80');
    await visible(page.getByText('At most $72.00 (20% over the face value).'));
    await page.getByRole('button', { name: 'List 4 tickets' }).click();
    const priceError = await visible(page.locator('#field-price-error'));
    expect(await priceError.textContent()).toContain('At most $72.00 per ticket');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-price');
    await screenshot(page, '02-sell-over-cap');

    await page.getByLabel('Price per ticket (USD)').fill('70');
    await page.getByLabel('Any quantity').check();
    // The preview: one ticket, all four, and what the seller receives (10 % buyer fee, 5 % seller fee).
    expect(await page.getByTestId('preview-all').textContent()).toContain('$308.00');
    expect(await page.getByTestId('preview-proceeds').textContent()).toContain('$266.00');
    expect(await page.getByTestId('preview-smallest').textContent()).toContain('$77.00');
    // Delivered later: the default (instant asks for each ticket's file, browser-delivery.test.ts).
    expect(await page.getByLabel('Later').isChecked()).toBe(true);
    await screenshot(page, '03-sell-preview');
    await page.getByRole('button', { name: 'List 4 tickets' }).click();
    await page.waitForURL(/\/listings\?listed=/);
    story.listingId = new URL(page.url()).searchParams.get('listed') ?? '';
    await visible(page.getByRole('status').getByText('Listed'));
    const mine = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: concert.name }) });
    expect(await mine.getByRole('list', { name: 'Tickets' }).getByRole('listitem').allTextContents()).toEqual(['11Available', '12Available', '13Available', '14Available']);
    await screenshot(page, '04-my-listings');

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

  test('two buyers at once: one takes two adjacent seats, the other the remaining two; each checkout shows its seats and total; one pays', async () => {
    expect(story.listingId).not.toBe('');
    const a = await signedUp('buyer-a');
    const b = await signedUp('buyer-b');
    await Promise.all([a.page.goto(`/events/${concert.id}`), b.page.goto(`/events/${concert.id}`)]);
    for (const { page } of [a, b]) {
      const item = offer(page, 'Block 512 · Row F');
      await visible(item.getByText('Seats 11–14'));
      expect(await offeredQuantities(item)).toEqual([1, 2, 3, 4]);
    }
    const itemA = offer(a.page, 'Block 512 · Row F');
    await itemA.getByRole('combobox', { name: 'Tickets' }).selectOption('2');
    // Before committing: 2 × $70.00 + $14.00 fee, total $154.00.
    expect(await itemA.getByTestId('offer-total').textContent()).toBe('2 × $70.00 + $14.00 feeTotal $154.00');
    await screenshot(a.page, '05-event-listings');

    await Promise.all([pressBuy(itemA, 2), pressBuy(offer(b.page, 'Block 512 · Row F'), 2)]);
    await Promise.all([reachCheckout(a.page), reachCheckout(b.page)]);
    const [figuresA, figuresB] = await Promise.all([checkoutFigures(a.page), checkoutFigures(b.page)]);
    expect([figuresA.seats, figuresB.seats].sort()).toEqual(['11–12', '13–14']);
    for (const figures of [figuresA, figuresB]) {
      expect(figures).toMatchObject({ quantityLine: '2 × $70.00', subtotal: '$140.00', fee: '$14.00', total: '$154.00' });
    }
    for (const { page } of [a, b]) {
      await visible(page.getByRole('heading', { level: 1, name: concert.name }));
      await visible(page.getByText(shownTime(concert)));
      await visible(page.getByText('Riverside Arena, London'));
    }
    // Nothing is left for anyone else while both hold their seats: the listing leaves the event page.
    const onlooker = await person();
    await onlooker.page.goto(`/events/${concert.id}`);
    await visible(onlooker.page.getByText('No tickets on sale for this event yet.'));
    expect(await offer(onlooker.page, 'Block 512 · Row F').count()).toBe(0);

    const first = await countdownSeconds(a.page);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(HOLD_SECONDS);
    await screenshot(a.page, '06-checkout-a');
    await screenshot(b.page, '07-checkout-b');

    await visible(a.page.getByRole('button', { name: 'Pay $154.00' }));
    await payWithCard(a.page, '4242 4242 4242 4242');
    await visible(a.page.getByText('Order complete'), 20_000);
    await screenshot(a.page, '08-order-complete');

    await header(a.page).getByRole('link', { name: 'My orders' }).click();
    const row = a.page.getByRole('listitem').filter({ hasText: concert.name });
    await visible(row.getByText('Complete', { exact: true }));
    expect(await row.textContent()).toContain(shownTime(concert));
    expect(await row.textContent()).toContain(`2 tickets · Block 512 · Row F · Seats ${figuresA.seats}`);
    expect(await row.textContent()).toContain('$154.00');
    await screenshot(a.page, '09-my-orders');

  });

  test('the seller sees each ticket’s status: the two paid for sold, the other two held (or back on sale once that hold ran out)', async () => {
    const seller = await person();
    await signIn(seller.page, story.sellerEmail);
    let chips: string[] = [];
    await eventually('tickets to learn of the payment', async () => {
      await seller.page.goto('/listings');
      chips = await seller.page.getByRole('list', { name: 'Tickets' }).first().getByRole('listitem').allTextContents();
      return chips.filter((c) => c.includes('Sold')).length === 2;
    });
    // Sold and not yet delivered: the seller still owes those two tickets' files.
    expect(chips.filter((c) => c.includes('Sold')).every((c) => c.endsWith('SoldTo deliver'))).toBe(true);
    const others = chips.filter((c) => !c.includes('Sold'));
    expect(others).toHaveLength(2);
    expect(others.every((c) => c.endsWith('On hold')) || others.every((c) => c.endsWith('Available'))).toBe(true);
    // While both are held nothing is available, so nothing can be edited or withdrawn.
    if (others.every((c) => c.endsWith('On hold'))) expect(await seller.page.getByRole('button', { name: 'Edit price or split' }).count()).toBe(0);
    await screenshot(seller.page, '10-my-listings-sold-held');
  });

  test('a hold left to expire puts its seats back on the event page', async () => {
    const seller = await signedUp('seller');
    await createListing(seller.context, { eventId: match.id, section: 'East Stand Lower', row: 'K', seats: ['7', '8'], price: 45, faceValue: 40, split: 'all' });
    const buyer = await signedUp('buyer');
    await buyer.page.goto(`/events/${match.id}`);
    const item = offer(buyer.page, 'East Stand Lower · Row K');
    await visible(item.getByText('2 tickets together'));
    await pressBuy(item, 2);
    await reachCheckout(buyer.page);

    const onlooker = await person();
    await eventually('the held listing to leave the event page', async () => {
      await onlooker.page.goto(`/events/${match.id}`);
      return (await offer(onlooker.page, 'East Stand Lower · Row K').count()) === 0;
    });

    await visible(buyer.page.getByText('Your hold has expired'), (HOLD_SECONDS + 10) * 1000);
    expect(await buyer.page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    await screenshot(buyer.page, '11-order-expired');
    await eventually(
      'the seats to come back on sale',
      async () => {
        await onlooker.page.goto(`/events/${match.id}`);
        return (await offer(onlooker.page, 'East Stand Lower · Row K').count()) === 1;
      },
      15_000,
      500,
    );
  });

  test('a declined card shows the decline and leaves the order payable', async () => {
    const seller = await signedUp('seller');
    await createListing(seller.context, { eventId: match.id, section: 'Standing terrace', quantity: 3, price: 30, faceValue: 30, split: 'any' });
    const { page } = await signedUp('buyer');
    await page.goto(`/events/${match.id}`);
    const item = offer(page, 'Standing terrace');
    await visible(item.getByText('General admission'));
    await pressBuy(item, 1);
    await reachCheckout(page);
    expect(await checkoutFigures(page)).toMatchObject({ seats: 'General admission', quantityLine: '1 × $30.00', fee: '$3.00', total: '$33.00' });

    await payWithCard(page, '4000 0000 0000 0002');
    const alert = await visible(page.getByRole('alert').filter({ hasText: 'Payment declined' }));
    expect(await alert.textContent()).toContain('Your card was declined.');
    await visible(page.getByRole('button', { name: 'Pay $33.00' }));
    await screenshot(page, '12-payment-declined');
    // A number that is not a test card is caught before anything is sent.
    await payWithCard(page, '1234 5678 9012 3456');
    await visible(page.getByText('That is not one of the test card numbers listed below.'));
  });

  test('"How many tickets?" keeps only listings that can sell that many, and each offers only what its split rule allows', async () => {
    const seller = await signedUp('seller');
    const pairs = await createListing(seller.context, { eventId: match.id, section: 'Block 215', row: 'C', seats: ['1', '2', '3', '4'], price: 55, faceValue: 50, split: 'even' });
    await createListing(seller.context, { eventId: match.id, section: 'Block 112', row: 'A', seats: ['20', '21', '22'], price: 50, faceValue: 50, split: 'all' });
    const { page } = await signedUp('buyer');
    await page.goto(`/events/${match.id}`);
    expect(await offeredQuantities(offer(page, 'Block 215 · Row C'))).toEqual([2, 4]);
    await visible(offer(page, 'Block 112 · Row A').getByText('3 tickets together'));

    await page.getByLabel('How many tickets?').selectOption('2');
    await page.waitForURL(/quantity=2/);
    await eventually('the list to narrow', async () => (await offer(page, 'Block 112 · Row A').count()) === 0);
    await visible(offer(page, 'Block 215 · Row C'));
    expect(await offer(page, 'Block 215 · Row C').getByRole('combobox', { name: 'Tickets' }).inputValue()).toBe('2');
    await screenshot(page, '13-event-filtered');

    // The seller changes the price: buyers see the new one; withdrawn, the listing leaves the page.
    const sellerPage = seller.page;
    await sellerPage.goto('/listings');
    const mine = sellerPage.getByRole('listitem').filter({ hasText: 'Block 215 · Row C' });
    await mine.getByRole('button', { name: 'Edit price or split' }).click();
    await mine.getByLabel('Price per ticket (USD)').fill('52.50');
    await mine.getByRole('button', { name: 'Save changes' }).click();
    await visible(mine.getByText('$52.50 per ticket', { exact: false }));
    await mine.getByRole('button', { name: 'Withdraw' }).click();
    await mine.getByRole('alertdialog').getByRole('button', { name: 'Withdraw' }).click();
    await visible(mine.getByText('Withdrawn', { exact: true }).first());
    expect((await getListing(seller.context, pairs.id)).status).toBe('withdrawn');
    await page.reload();
    await eventually('the withdrawn listing to leave the page', async () => {
      await page.reload();
      return (await offer(page, 'Block 215 · Row C').count()) === 0;
    });
  });

  test('pages stay readable on a phone, old ticket links and unknown pages say so, and my orders need a sign-in', async () => {
    const { page } = await person({ mobile: true });
    await page.goto(`/events/${match.id}`);
    await visible(page.getByRole('heading', { name: 'Tickets' }));
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await screenshot(page, '14-event-mobile');

    // Tickets were once listed by title at /tickets: the link now leads to the events.
    await page.goto('/tickets');
    await page.waitForURL((url) => url.pathname === '/');
    const missing = await page.goto('/tickets/00000000-0000-4000-8000-000000000000');
    expect(missing?.status()).toBe(404);
    await visible(page.getByRole('heading', { name: 'Not found' }));
    await page.goto('/orders');
    await page.waitForURL(/\/signin\?next=%2Forders|\/signin\?next=\/orders/);
  });

  test('with tickets down the event page says its listings could not be loaded, and recovers', async () => {
    if (!platform.stopService || !platform.startService) throw new Error('needs a platform this suite started (not E2E_BASE_URL)');
    const { page } = await person();
    await platform.stopService('tickets');
    try {
      const response = await page.goto(`/events/${match.id}`);
      expect(response?.status()).toBe(200);
      await visible(page.getByRole('heading', { level: 1, name: match.name }));
      await visible(page.getByRole('heading', { name: 'Listings could not be loaded' }));
      await visible(page.getByText('The service is unavailable right now.', { exact: false }));
      await screenshot(page, '15-service-down');
    } finally {
      await platform.startService('tickets');
    }
    await page.reload();
    await visible(page.getByLabel('How many tickets?'));
    expect(await page.getByRole('heading', { name: 'Listings could not be loaded' }).count()).toBe(0);
  });
});
