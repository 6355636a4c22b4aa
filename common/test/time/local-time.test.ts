import { formatLocalTime, isTimeZone, localTimeToUtc, timeZoneAbbreviation } from '../../src/time/local-time';

// What a page or an e-mail shows for an event's start: the venue's wall clock and the abbreviation in force then.
// Each daylight-saving change is crossed minute by minute either side, so an offset taken from "now" or from the
// wrong side of the change shows up as a wrong hour.

describe('formatLocalTime', () => {
  test.each([
    ['2026-06-21T18:30:00Z', 'Europe/London', 'Sun 21 Jun 2026, 19:30 BST'],
    ['2026-01-10T19:30:00Z', 'Europe/London', 'Sat 10 Jan 2026, 19:30 GMT'],
    ['2026-06-21T18:30:00Z', 'America/New_York', 'Sun 21 Jun 2026, 14:30 EDT'],
    ['2026-01-10T19:30:00Z', 'America/New_York', 'Sat 10 Jan 2026, 14:30 EST'],
    ['2026-06-21T18:30:00Z', 'Asia/Tokyo', 'Mon 22 Jun 2026, 03:30 JST'],
    ['2026-06-21T18:30:00Z', 'Europe/Paris', 'Sun 21 Jun 2026, 20:30 CEST'],
    ['2026-01-10T19:30:00Z', 'Europe/Berlin', 'Sat 10 Jan 2026, 20:30 CET'],
    ['2026-01-10T08:00:00Z', 'Australia/Sydney', 'Sat 10 Jan 2026, 19:00 AEDT'],
    ['2026-09-12T18:30:00Z', 'Europe/Dublin', 'Sat 12 Sep 2026, 19:30 IST'],
    ['2026-06-21T14:00:00Z', 'Asia/Kolkata', 'Sun 21 Jun 2026, 19:30 IST'],
    ['2026-06-21T18:30:00Z', 'UTC', 'Sun 21 Jun 2026, 18:30 UTC'],
  ])('%s in %s reads "%s"', (iso, zone, expected) => {
    expect(formatLocalTime(iso, zone)).toBe(expected);
  });

  test('London across the spring change (29 Mar 2026, 01:00 UTC): 00:59 GMT is followed by 02:00 BST', () => {
    expect(formatLocalTime('2026-03-29T00:59:00Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 00:59 GMT');
    expect(formatLocalTime('2026-03-29T01:00:00Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 02:00 BST');
  });

  test('London across the autumn change (25 Oct 2026, 01:00 UTC): 01:30 happens twice, told apart by the zone', () => {
    expect(formatLocalTime('2026-10-25T00:30:00Z', 'Europe/London')).toBe('Sun 25 Oct 2026, 01:30 BST');
    expect(formatLocalTime('2026-10-25T01:30:00Z', 'Europe/London')).toBe('Sun 25 Oct 2026, 01:30 GMT');
  });

  test('New York across its spring change (8 Mar 2026, 07:00 UTC): 01:59 EST is followed by 03:00 EDT', () => {
    expect(formatLocalTime('2026-03-08T06:59:00Z', 'America/New_York')).toBe('Sun 8 Mar 2026, 01:59 EST');
    expect(formatLocalTime('2026-03-08T07:00:00Z', 'America/New_York')).toBe('Sun 8 Mar 2026, 03:00 EDT');
  });

  test('a zone without an English abbreviation shows its offset', () => {
    expect(formatLocalTime('2026-06-21T18:30:00Z', 'Asia/Seoul')).toBe('Mon 22 Jun 2026, 03:30 GMT+9');
    expect(timeZoneAbbreviation(new Date('2026-06-21T18:30:00Z'), 'Europe/Moscow')).toBe('GMT+3');
  });

  test('accepts a Date, refuses an unknown zone or an invalid time', () => {
    expect(formatLocalTime(new Date('2026-06-21T18:30:00Z'), 'Europe/London')).toBe('Sun 21 Jun 2026, 19:30 BST');
    expect(() => formatLocalTime('2026-06-21T18:30:00Z', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => formatLocalTime('not a time', 'Europe/London')).toThrow(RangeError);
  });
});

describe('localTimeToUtc', () => {
  test.each([
    ['2026-06-21T19:30', 'Europe/London', '2026-06-21T18:30:00.000Z'],
    ['2026-01-10T19:30', 'Europe/London', '2026-01-10T19:30:00.000Z'],
    ['2026-06-22T03:30', 'Asia/Tokyo', '2026-06-21T18:30:00.000Z'],
    ['2026-06-21T19:30', 'Asia/Kolkata', '2026-06-21T14:00:00.000Z'],
    // A wall time skipped by the spring change is read with the offset before it, so it lands an hour later.
    ['2026-03-29T01:30', 'Europe/London', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08T02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    // A wall time the autumn change repeats is its first occurrence (still summer time).
    ['2026-10-25T01:30', 'Europe/London', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
  ])('%s in %s is %s', (local, zone, utc) => {
    expect(localTimeToUtc(local, zone)).toBe(utc);
  });

  test('round-trips through formatLocalTime on either side of a change', () => {
    expect(formatLocalTime(localTimeToUtc('2026-03-29T00:30', 'Europe/London'), 'Europe/London')).toBe('Sun 29 Mar 2026, 00:30 GMT');
    expect(formatLocalTime(localTimeToUtc('2026-03-29T02:30', 'Europe/London'), 'Europe/London')).toBe('Sun 29 Mar 2026, 02:30 BST');
  });

  test.each(['2026-02-30T10:00', '2026-06-21 19:30', '2026-06-21T24:00', 'tomorrow'])('refuses %s', (local) => {
    expect(() => localTimeToUtc(local, 'Europe/London')).toThrow(RangeError);
  });
});

test('isTimeZone: IANA names this runtime knows, aliases included; nothing else', () => {
  for (const zone of ['Europe/London', 'America/Argentina/Buenos_Aires', 'UTC', 'Europe/Kiev', 'Europe/Kyiv', 'Etc/GMT+5']) expect(isTimeZone(zone)).toBe(true);
  for (const zone of ['', 'Mars/Olympus_Mons', 'Europe/London ', 'GMT+1:00', '../etc/passwd', 42, null]) expect(isTimeZone(zone)).toBe(false);
});
