import request from 'supertest';
import { signedInAdmin } from '@ticketing/common/testing';
import { EventCategory } from '@ticketing/common';
import { formatLocalTime, timeZoneAbbreviation } from '@ticketing/common/time';
import { catalogForFile } from '../catalog/test/support';
import { LEGACY_EVENT_ID } from '@ticketing/common';
import { callPlatformModule } from './support/platform-runner';

// The demo catalogue `npm start` schedules (scripts/platform/demo-catalogue.mjs): what a first start shows must be
// accepted by the catalog as it is, for whichever day the start happens on.

interface DemoEvent {
  name: string;
  category: string;
  venue: { name: string; city: string; country: string };
  timeZone: string;
  startsAt: string;
}

const DAY_MS = 86_400_000;
const demoEvents = (today: Date | string) => callPlatformModule<DemoEvent[]>('demo-catalogue.mjs', 'demoEvents', today);
const localHour = (e: DemoEvent) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: e.timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(e.startsAt)));

const t = catalogForFile();

test('every demo event of today passes the catalog: 201 each, and browsing then shows them all, soonest first', async () => {
  const events = await demoEvents(new Date());
  const cookie = signedInAdmin().cookie;
  for (const event of events) {
    const res = await request(t.app).post('/api/events').set('Cookie', cookie).send(event);
    expect({ name: event.name, status: res.status, errors: res.body.errors }).toEqual({ name: event.name, status: 201, errors: undefined });
    // Stored as sent: the module already writes what the catalog would normalise to.
    expect({ name: res.body.name, category: res.body.category, venue: res.body.venue, timeZone: res.body.timeZone, startsAt: res.body.startsAt }).toEqual(event);
  }
  const browse = await request(t.app).get('/api/events?limit=100');
  expect(browse.body.events.map((e: DemoEvent) => e.startsAt)).toEqual(events.map((e) => e.startsAt));
});

test.each(['2026-01-10', '2026-03-20', '2026-06-30', '2026-10-20', '2026-12-15'])('on %s: 40 upcoming evening events over ten cities and every category, each name once (but the play across the time change)', async (day) => {
  const today = new Date(`${day}T12:00:00Z`);
  const events = await demoEvents(today);
  expect(events).toHaveLength(40);
  expect(new Set(events.map((e) => e.category))).toEqual(new Set(EventCategory.options));
  expect(new Set(events.map((e) => e.venue.city)).size).toBe(10);
  const tomorrow = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
  for (const e of events) {
    const at = Date.parse(e.startsAt);
    expect({ name: e.name, tomorrowOrLater: at > tomorrow, withinHalfAYear: at < tomorrow + 180 * DAY_MS, evening: localHour(e) >= 16 && localHour(e) <= 21 }).toEqual({ name: e.name, tomorrowOrLater: true, withinHalfAYear: true, evening: true });
  }
  // Most of the catalogue is within the next three months; the time-change pair may be further out.
  expect(events.filter((e) => Date.parse(e.startsAt) < tomorrow + 90 * DAY_MS).length).toBeGreaterThanOrEqual(38);
  const names = events.map((e) => e.name);
  expect(new Set(names).size).toBe(names.length - 1);
  expect(events.map((e) => e.startsAt)).toEqual([...events.map((e) => e.startsAt)].sort());
});

test('one play runs the evening before and the evening of a daylight-saving change: same local time, two abbreviations', async () => {
  // 2026-03-20: London and the rest of Europe change on Sunday 29 March.
  const events = await demoEvents('2026-03-20T08:00:00Z');
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const pair = events.filter((e) => counts.get(e.name) === 2);
  expect(pair).toHaveLength(2);
  const [before, after] = pair as [DemoEvent, DemoEvent];
  expect(formatLocalTime(before.startsAt, before.timeZone)).toMatch(/^Sat 28 Mar 2026, 19:30 /);
  expect(formatLocalTime(after.startsAt, after.timeZone)).toMatch(/^Sun 29 Mar 2026, 19:30 /);
  expect(timeZoneAbbreviation(new Date(before.startsAt), before.timeZone)).not.toBe(timeZoneAbbreviation(new Date(after.startsAt), after.timeZone));
  expect(Date.parse(after.startsAt) - Date.parse(before.startsAt)).toBe(DAY_MS - 3_600_000);
});

test('the same day gives the same catalogue at any hour; another day, another one', async () => {
  const [morning, night, nextDay] = await Promise.all([demoEvents('2026-05-05T00:00:01Z'), demoEvents('2026-05-05T23:59:59Z'), demoEvents('2026-05-06T12:00:00Z')]);
  expect(night).toEqual(morning);
  expect(nextDay.map((e) => e.name)).not.toEqual(morning.map((e) => e.name));
});

test("an upgrade's event for the first version's tickets does not count as someone's catalogue (the demo still schedules one)", async () => {
  const legacy = { id: LEGACY_EVENT_ID, name: 'Listings from before events' };
  const admins = { id: '6f1c2f0e-5a0e-4c43-9d0f-0d6b8f7a1c11', name: 'Velvet Harbour' };
  const scheduled = (events: object[]) => callPlatformModule<{ id: string }[]>('demo.mjs', 'scheduledByPeople', events);
  expect(await scheduled([legacy])).toEqual([]);
  expect(await scheduled([legacy, admins])).toEqual([admins]);
});
