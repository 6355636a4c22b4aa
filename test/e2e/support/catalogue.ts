// The catalogue as the browser tests see it: admins (an e-mail in ADMIN_EMAILS), events made through the API for
// scenarios whose subject is elsewhere, and what the discovery pages show, in the words they use.
import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { formatLocalTime, localTimeToUtc } from '@ticketing/common/time';
import { PASSWORD } from './flows';

export interface CatalogEvent {
  id: string;
  name: string;
  category: string;
  venue: { name: string; city: string; country: string };
  timeZone: string;
  startsAt: string;
  status: string;
}

export interface EventFields {
  name: string;
  category: 'concert' | 'sports' | 'theatre' | 'comedy' | 'festival' | 'other';
  venue: { name: string; city: string; country: string };
  timeZone: string;
  /** Days from today, at `time` on the venue's clock. */
  inDays: number;
  time?: string;
}

/** A short word no other event has, so a search can single one out (letters only: searched as a word). */
export function uniqueWord(): string {
  return randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6)
    .padEnd(6, 'q');
}

/** "2026-12-21T19:30": the venue-clock date and time `days` from now, as a datetime-local input takes it. */
export function localDateTimeInDays(days: number, time = '19:30'): string {
  const day = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}`;
}

/** What every page shows for the event's start: the venue's local time and zone abbreviation. */
export function shownTime(event: Pick<CatalogEvent, 'startsAt' | 'timeZone'>): string {
  return formatLocalTime(event.startsAt, event.timeZone);
}

/** Signs in through the API (an account that exists already, e.g. an admin of a platform that was running). */
export async function apiSignIn(context: BrowserContext, email: string, password = PASSWORD): Promise<void> {
  const response = await context.request.post('/api/users/signin', { data: { email, password } });
  if (response.status() !== 200) throw new Error(`sign-in for ${email}: HTTP ${response.status()} ${await response.text()}`);
}

/** Schedules an event through the API with the context's session (an admin's). */
export async function createEvent(context: BrowserContext, fields: EventFields): Promise<CatalogEvent> {
  const { inDays, time, ...rest } = fields;
  const startsAt = localTimeToUtc(localDateTimeInDays(inDays, time), fields.timeZone);
  const response = await context.request.post('/api/events', { data: { ...rest, startsAt } });
  if (response.status() !== 201) throw new Error(`POST /api/events: HTTP ${response.status()} ${await response.text()}`);
  return (await response.json()) as CatalogEvent;
}

/** The home page's list of event cards (any heading). */
export function eventCards(page: Page): Locator {
  return page.locator('ul.event-grid');
}

export function eventCard(page: Page, name: string): Locator {
  return eventCards(page).getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** Searches from the home page's search box, as a newcomer types it. */
export async function searchEvents(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search events' }).fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('q') === text);
}

/**
 * Presses Tab until the focused element is the one `isTarget` (a browser-side expression over `el`) describes, as a
 * keyboard user would; fails after `max` presses. Resolves with the number of presses.
 */
export async function tabTo(page: Page, isTarget: string, max = 40): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate<boolean>(`(() => { const el = document.activeElement; return !!el && (${isTarget}); })()`)) return presses;
  }
  throw new Error(`${max} presses of Tab never reached: ${isTarget}`);
}

/** A believable catalogue for the pages to show (and the screenshots to be taken of). */
export const SHOWCASE: EventFields[] = [
  { name: 'Arctic Monkeys: The Car Tour', category: 'concert', venue: { name: 'Wembley Stadium', city: 'London', country: 'GB' }, timeZone: 'Europe/London', inDays: 4 },
  { name: 'Manchester United v Liverpool', category: 'sports', venue: { name: 'Old Trafford', city: 'Manchester', country: 'GB' }, timeZone: 'Europe/London', inDays: 6, time: '16:30' },
  { name: 'Hamilton', category: 'theatre', venue: { name: 'Victoria Palace Theatre', city: 'London', country: 'GB' }, timeZone: 'Europe/London', inDays: 9 },
  { name: 'Ali Wong: Live', category: 'comedy', venue: { name: 'Beacon Theatre', city: 'New York', country: 'US' }, timeZone: 'America/New_York', inDays: 11, time: '20:00' },
  { name: 'Primavera Sound', category: 'festival', venue: { name: 'Parc del Fòrum', city: 'Barcelona', country: 'ES' }, timeZone: 'Europe/Madrid', inDays: 15, time: '17:00' },
  { name: 'Lakers v Celtics', category: 'sports', venue: { name: 'Crypto.com Arena', city: 'Los Angeles', country: 'US' }, timeZone: 'America/Los_Angeles', inDays: 18 },
  {
    name: 'Berliner Philharmoniker: Beethoven’s Ninth Symphony with the Rundfunkchor Berlin',
    category: 'concert',
    venue: { name: 'Philharmonie', city: 'Berlin', country: 'DE' },
    timeZone: 'Europe/Berlin',
    inDays: 21,
    time: '20:00',
  },
  { name: 'Tokyo Design Week', category: 'other', venue: { name: 'Tokyo Big Sight', city: 'Tokyo', country: 'JP' }, timeZone: 'Asia/Tokyo', inDays: 26, time: '10:00' },
];

/** A PNG of one colour, made here (no image files in the repository): what an admin might upload. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
