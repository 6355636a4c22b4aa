// With NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY set, the order page pays through Stripe Elements loaded from js.stripe.com,
// and only there. The sandbox has no internet, so the browser gets a stand-in for Stripe.js (same calls: Stripe(key),
// elements().create('card'), createToken) that hands out Stripe's test tokens; the payments service behind it is the
// built-in test gateway, which takes those tokens. What is tested is our side: the key reaching the browser at run
// time, the script loaded only when and where needed, the token reaching POST /api/payments and the result shown.
import type { Browser } from 'playwright-core';
import { dismiss, launchBrowser, newPerson, screenshot, type Person } from './support/browser';
import { startPlatformForE2E, type RunningPlatform } from './support/platform';
import { createEvent } from './support/catalogue';
import { apiSignUp, uniqueEmail, visible } from './support/flows';
import { createListing, offer, pressBuy, reachCheckout } from './support/marketplace';

const PUBLISHABLE_KEY = 'pk_test_offline_e2e';
const STARTUP_MS = 300_000;
// A scenario walks several pages in a real browser on a machine that also runs the whole platform and, in `npm test`,
// the other test files: the first page of each Next.js route also pays its first server render.
jest.setTimeout(60_000);

const FAKE_STRIPE_JS = `
window.Stripe = function (key) {
  window.__stripeKey = key;
  var input;
  return {
    elements: function () {
      return {
        create: function (type) {
          window.__stripeElementType = type;
          return {
            mount: function (el) {
              input = document.createElement('input');
              input.setAttribute('aria-label', 'Card details (Stripe)');
              el.appendChild(input);
            },
            on: function (event, handler) { input.addEventListener('input', function () { handler({ complete: true }); }); },
            focus: function () { input.focus(); },
            destroy: function () { input.remove(); },
          };
        },
      };
    },
    createToken: function () {
      var digits = input.value.replace(/\\D/g, '');
      return Promise.resolve({ token: { id: digits === '4000000000000002' ? 'tok_chargeDeclined' : 'tok_visa' } });
    },
  };
};`;

let platform: RunningPlatform;
let browser: Browser;
const people: Person[] = [];
const CURATOR_EMAIL = uniqueEmail('curator');

beforeAll(async () => {
  platform = await startPlatformForE2E({
    env: { NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY, ORDER_EXPIRATION_SECONDS: '120', ADMIN_EMAILS: CURATOR_EMAIL },
    startTimeoutMs: STARTUP_MS,
    name: 'e2e-stripe',
    acceptExternal: false,
  });
  browser = await launchBrowser();
}, STARTUP_MS + 30_000);

afterEach(async () => {
  const { errors } = await dismiss(people);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
}, 60_000);

test('with a publishable key, the order page pays for two seats through Stripe Elements and shows the outcome', async () => {
  const curator = await newPerson(browser, platform.url);
  const seller = await newPerson(browser, platform.url);
  const buyer = await newPerson(browser, platform.url);
  people.push(curator, seller, buyer);
  await buyer.context.route('https://js.stripe.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/javascript', body: FAKE_STRIPE_JS }),
  );
  await apiSignUp(platform.url, curator.context, CURATOR_EMAIL);
  const event = await createEvent(curator.context, {
    name: 'Proms in the Park',
    category: 'concert',
    venue: { name: 'Royal Albert Hall', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    inDays: 12,
  });
  await apiSignUp(platform.url, seller.context, uniqueEmail('seller'));
  await createListing(seller.context, { eventId: event.id, section: 'Box 12', row: 'A', seats: ['1', '2'], price: 64, faceValue: 64, split: 'any' });

  await apiSignUp(platform.url, buyer.context, uniqueEmail('buyer'));
  await buyer.page.goto('/');
  await buyer.page.goto(`/events/${event.id}`);
  const item = offer(buyer.page, 'Box 12 · Row A');
  await visible(item);
  expect(buyer.externalRequests).toEqual([]); // Stripe.js only where a card is taken

  await pressBuy(item, 2);
  await reachCheckout(buyer.page);
  const card = await visible(buyer.page.getByLabel('Card details (Stripe)'));
  expect(await buyer.page.getByLabel('Card number', { exact: true }).count()).toBe(0);
  expect(await buyer.page.evaluate<string>('window.__stripeKey')).toBe(PUBLISHABLE_KEY);
  expect(await buyer.page.evaluate<string>('window.__stripeElementType')).toBe('card');
  expect(buyer.externalRequests.length).toBeGreaterThan(0);
  expect(buyer.externalRequests.every((url) => url.startsWith('https://js.stripe.com/'))).toBe(true);

  // 2 × $64.00 + 10 % fee: the charge is the order's total.
  const pay = buyer.page.getByRole('button', { name: 'Pay $140.80' });
  await card.fill('4000 0000 0000 0002');
  await pay.click();
  const declined = await visible(buyer.page.getByRole('alert').filter({ hasText: 'Payment declined' }));
  expect(await declined.textContent()).toContain('Your card was declined.');

  await card.fill('4242 4242 4242 4242');
  await pay.click();
  await visible(buyer.page.getByText('Order complete'), 20_000);
  await screenshot(buyer.page, '15-stripe-elements-complete');
});
