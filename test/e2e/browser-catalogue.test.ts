// The catalogue in a real Chromium against the whole platform: a newcomer finds an event from the home page (a
// misspelt search, filters in the URL) and opens it; an admin creates one through the form and cancels another,
// which then leaves browsing; the admin pages are closed to everyone else. Screenshots of the home and event pages
// (desktop and phone) land in test-artifacts/screenshots/ (docs/screenshots/ keeps a selection).
// E2E_BASE_URL runs it against a platform already up; it then needs E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD (an admin
// account there, e.g. the demo admin `npm start` prints).
import type { Browser } from 'playwright-core';
import { dismiss, launchBrowser, newPerson, screenshot, type Person } from './support/browser';
import {
  apiSignIn,
  createEvent,
  eventCard,
  eventCards,
  localDateTimeInDays,
  searchEvents,
  shownTime,
  SHOWCASE,
  solidPng,
  tabTo,
  uniqueWord,
  type CatalogEvent,
} from './support/catalogue';
import { apiSignUp, eventually, header, signUp, uniqueEmail, visible } from './support/flows';
import { startPlatformForE2E, type RunningPlatform } from './support/platform';
import { formatLocalTime, localTimeToUtc } from '@ticketing/common/time';

const STARTUP_MS = 300_000;
// A scenario walks several pages on a machine that also runs the whole platform.
jest.setTimeout(60_000);
const external = Boolean(process.env.E2E_BASE_URL);
/** Signs up through the form in the test (own platform), or signs in (a platform that was already running). */
const ADMIN_EMAIL = external ? (process.env.E2E_ADMIN_EMAIL ?? '') : uniqueEmail('admin');
/** Makes the events the scenarios need, through the API. */
const CURATOR_EMAIL = external ? ADMIN_EMAIL : uniqueEmail('curator');

let platform: RunningPlatform;
let browser: Browser;
const people: Person[] = [];
let curator: Person;

async function person(opts: { mobile?: boolean } = {}): Promise<Person> {
  const p = await newPerson(browser, platform.url, opts);
  people.push(p);
  return p;
}

async function noHorizontalScroll(p: Person): Promise<void> {
  expect(await p.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
}

beforeAll(async () => {
  if (external && !(process.env.E2E_ADMIN_EMAIL && process.env.E2E_ADMIN_PASSWORD)) {
    throw new Error('With E2E_BASE_URL, set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to an admin account of that platform.');
  }
  platform = await startPlatformForE2E({
    env: { ADMIN_EMAILS: `${ADMIN_EMAIL},${CURATOR_EMAIL}`, NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: '' },
    startTimeoutMs: STARTUP_MS,
    name: 'e2e-catalogue',
    acceptExternal: true,
  });
  browser = await launchBrowser();
  curator = await newPerson(browser, platform.url);
  if (external) await apiSignIn(curator.context, CURATOR_EMAIL, process.env.E2E_ADMIN_PASSWORD);
  else await apiSignUp(platform.url, curator.context, CURATOR_EMAIL);
  for (const fields of SHOWCASE) await createEvent(curator.context, fields);
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

describe('the catalogue in Chromium', () => {
  test('the home and event pages, on a desktop and on a phone, fit the screen', async () => {
    const desktop = await person();
    await desktop.page.goto('/');
    await visible(eventCard(desktop.page, SHOWCASE[0]!.name));
    await noHorizontalScroll(desktop);
    await screenshot(desktop.page, '20-home');
    await eventCard(desktop.page, SHOWCASE[0]!.name).getByRole('link').click();
    await visible(desktop.page.getByRole('heading', { level: 1, name: SHOWCASE[0]!.name }));
    await screenshot(desktop.page, '21-event');

    const phone = await person({ mobile: true });
    await phone.page.goto('/');
    await visible(eventCard(phone.page, SHOWCASE[0]!.name));
    await noHorizontalScroll(phone);
    await screenshot(phone.page, '22-home-mobile');

    // The longest name of the catalogue: set smaller, it fits a few lines rather than filling the screen.
    const long = SHOWCASE.find((e) => e.name.startsWith('Berliner'))!;
    await eventCard(phone.page, long.name).getByRole('link').click();
    const heading = await visible(phone.page.getByRole('heading', { level: 1, name: long.name }));
    expect((await heading.boundingBox())!.height).toBeLessThan(200);
    await noHorizontalScroll(phone);
    await screenshot(phone.page, '23-event-mobile');
  });

  test('a newcomer finds an event by a misspelt search, narrows by category and city, and opens it', async () => {
    const word = uniqueWord();
    const concert = await createEvent(curator.context, {
      name: `Royal Philharmonic plays Mahler ${word}`,
      category: 'concert',
      venue: { name: 'Royal Albert Hall', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      inDays: 12,
    });
    const { page } = await person();
    await page.goto('/');
    expect(await page.title()).toBe('Ticketing · Concerts, sports, theatre and more');
    await visible(page.getByRole('heading', { level: 1, name: 'Find tickets for what’s on' }));
    await visible(eventCard(page, SHOWCASE[0]!.name));

    // From the keyboard alone: Tab to the search box, type with the word order reversed, one word misspelt and in
    // lower case, Enter. Still found; the URL says what was searched.
    await tabTo(page, "el.id === 'search-q'");
    await page.keyboard.type('mahler philharmonik');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'mahler philharmonik');
    await visible(page.getByRole('heading', { level: 2, name: 'Results for “mahler philharmonik”' }));
    const card = await visible(eventCard(page, concert.name));
    expect(await card.textContent()).toContain(shownTime(concert));
    expect(await card.textContent()).toContain('No tickets yet');
    await eventually('the title to name the search', async () => (await page.title()) === '“mahler philharmonik” · Events · Ticketing', 5000);

    // Filters keep the search and show in the URL: the wrong category empties the list, the right city keeps it.
    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Sports' }).click();
    await page.waitForURL((url) => url.searchParams.get('category') === 'sports' && url.searchParams.get('q') === 'mahler philharmonik');
    await visible(page.getByText('No events match this search.'));
    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Concerts' }).click();
    await page.waitForURL((url) => url.searchParams.get('category') === 'concert');
    await page.getByLabel('City', { exact: true }).fill('london');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('city') === 'london');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ q: 'mahler philharmonik', category: 'concert', city: 'london' });

    await tabTo(page, `el.getAttribute('href') === '/events/${concert.id}'`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/events/${concert.id}`);
    await visible(page.getByRole('heading', { level: 1, name: concert.name }));
    await visible(page.getByText(shownTime(concert)).first());
    const details = page.getByRole('complementary', { name: 'Event details' });
    for (const fact of ['Royal Albert Hall', 'London', 'United Kingdom', 'Concert', 'Scheduled']) await visible(details.getByText(fact, { exact: true }));
    await visible(page.getByText('No tickets on sale for this event yet.'));
    await visible(page.getByRole('link', { name: 'Sell tickets for this event' }));
    expect(await page.title()).toBe(`${concert.name} · London · Ticketing`);
  });

  test('an admin creates an event through the form and cancels another, which leaves browsing', async () => {
    const word = uniqueWord();
    const doomed = await createEvent(curator.context, {
      name: `Gorillaz at Dusk ${word}`,
      category: 'concert',
      venue: { name: 'Brixton Academy', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      inDays: 8,
    });

    const admin = await person();
    if (external) {
      await apiSignIn(admin.context, ADMIN_EMAIL, process.env.E2E_ADMIN_PASSWORD);
      await admin.page.goto('/');
    } else {
      await signUp(admin.page, ADMIN_EMAIL);
    }
    const { page } = admin;
    await header(page).getByRole('link', { name: 'Admin', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Events' }));
    expect(await page.title()).toBe('Events · Admin · Ticketing');
    await page.getByRole('link', { name: 'New event' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New event' }));

    // Nothing filled in: the API's 400 names each field, and each message sits beside its field.
    await page.getByRole('button', { name: 'Create event' }).click();
    await visible(page.locator('#field-name-error'));
    await visible(page.locator('#field-venueCity-error'));
    expect(await page.getByLabel('Event name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-name');

    const name = `Comedy Store Late Show ${word}`;
    const local = localDateTimeInDays(20, '21:15');
    const startsAt = localTimeToUtc(local, 'America/New_York');
    await page.getByLabel('Event name', { exact: true }).fill(name);
    await page.getByLabel('Category', { exact: true }).selectOption('comedy');
    await page.getByLabel('Venue', { exact: true }).fill('Comedy Cellar');
    await page.getByLabel('City', { exact: true }).fill('New York');
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'United States' });
    await page.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
    await page.getByLabel('Starts (local time at the venue)', { exact: true }).fill(local);
    const when = formatLocalTime(startsAt, 'America/New_York');
    await visible(page.getByText(`Shown to buyers as ${when}`, { exact: false }));
    expect(await page.locator('#field-name-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Create event' }).focus();
    await screenshot(page, '24-admin-event-form');

    await page.getByRole('button', { name: 'Create event' }).click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
    await visible(page.getByRole('heading', { level: 1, name }));
    await visible(page.getByText(when).first());
    const created = (await (await page.context().request.get(`/api/events/${page.url().split('/').pop()}`)).json()) as CatalogEvent;
    expect({ startsAt: created.startsAt, timeZone: created.timeZone, country: created.venue.country }).toEqual({
      startsAt,
      timeZone: 'America/New_York',
      country: 'US',
    });

    // Its image: a file that is not one is refused beside the field; a PNG replaces the placeholder everywhere.
    await page.getByRole('link', { name: 'Edit event' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit event' }));
    const file = page.getByLabel('Upload an image', { exact: true });
    await file.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.getByRole('button', { name: 'Upload image' }).click();
    await visible(page.locator('#field-file-error'));
    await file.setInputFiles({ name: 'poster.png', mimeType: 'image/png', buffer: solidPng(320, 180, [230, 120, 40]) });
    await page.getByRole('button', { name: 'Upload image' }).click();
    await visible(page.getByRole('button', { name: 'Remove image' }));
    expect(await page.locator('#field-file-error').count()).toBe(0);
    await page.goto(`/events/${created.id}`);
    expect(await page.locator('.artwork-hero img').getAttribute('src')).toMatch(new RegExp(`^/api/events/${created.id}/artwork/hero\\?v=`));
    const heroDecoded = "(() => { const img = document.querySelector('.artwork-hero img'); return !!img && img.complete && img.naturalWidth === 1600; })()";
    await eventually('the hero image to load', () => page.evaluate<boolean>(heroDecoded), 5000);

    // Editing the name only: the form shows the start on the venue's clock again, so the start comes back unchanged.
    await page.getByRole('link', { name: 'Edit event' }).click();
    expect(await page.getByLabel('Starts (local time at the venue)', { exact: true }).inputValue()).toBe(local);
    const renamed = `${name} (late)`;
    await page.getByLabel('Event name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByRole('heading', { level: 1, name: renamed }));
    const edited = (await (await page.context().request.get(`/api/events/${created.id}`)).json()) as CatalogEvent;
    expect({ name: edited.name, startsAt: edited.startsAt }).toEqual({ name: renamed, startsAt });

    // Cancel the other one from the admin list: two steps, then the row says so.
    await page.goto(`/admin/events?q=${word}`);
    const row = page.getByRole('listitem').filter({ hasText: doomed.name });
    await row.getByRole('button', { name: `Cancel event: ${doomed.name}` }).click();
    await row.getByRole('button', { name: 'Yes, cancel it' }).click();
    await visible(row.getByText('Cancelled', { exact: true }));
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Cancelled'); // the keyboard stays in the row
    await screenshot(page, '25-admin-events');

    // Browsing no longer offers it; its page stays and says it is cancelled. The new event is there to find.
    const buyer = await person();
    await buyer.page.goto('/');
    await searchEvents(buyer.page, doomed.name);
    await visible(buyer.page.getByText('No events match this search.'));
    await buyer.page.goto(`/?q=${encodeURIComponent(name)}`);
    await visible(eventCard(buyer.page, renamed));
    await buyer.page.goto(`/events/${doomed.id}`);
    await visible(buyer.page.getByText('This event has been cancelled.'));
    await visible(buyer.page.getByRole('complementary', { name: 'Event details' }).getByText('Cancelled', { exact: true }));
    await screenshot(buyer.page, '26-event-cancelled');
  }, 120_000);

  test('the admin pages are closed to everyone else', async () => {
    const visitor = await person();
    await visitor.page.goto('/admin/events/new');
    await visitor.page.waitForURL(/\/signin\?next=%2Fadmin%2Fevents%2Fnew$/);

    const plain = await person();
    await apiSignUp(platform.url, plain.context, uniqueEmail('buyer'));
    const response = await plain.page.goto('/admin/events');
    expect(response?.status()).toBe(403);
    await visible(plain.page.getByRole('heading', { level: 1, name: 'Admins only' }));
    expect(await plain.page.title()).toBe('Admins only · Ticketing');
    expect(await header(plain.page).getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    expect(await eventCards(plain.page).count()).toBe(0);
  });

  test('with the catalogue down, the home page says so and the rest of the site works', async () => {
    if (!platform.stopService || !platform.startService) throw new Error('needs a platform this suite started (not E2E_BASE_URL)');
    const { page } = await person();
    await platform.stopService('catalog');
    try {
      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      await visible(page.getByRole('heading', { name: 'Events could not be loaded' }));
      await visible(page.getByText('The service is unavailable right now.', { exact: false }));
      await visible(page.getByRole('searchbox', { name: 'Search events' }));
    } finally {
      await platform.startService('catalog');
    }
    await page.reload();
    await visible(eventCard(page, SHOWCASE[0]!.name));
  });
});
