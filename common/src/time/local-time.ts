/**
 * An event's start as the people at its venue read it: "Sat 21 Jun 2026, 19:30 BST". Pure (Intl only), so the same
 * function serves pages, e-mails and tests, on a server or in a browser with full ICU data.
 */

/**
 * CLDR gives a zone's abbreviation only in the locales where people use it: en-US knows EDT but says GMT+1 for
 * London in summer, en-GB knows BST and CEST but says GMT-4 for New York, and so on. The first locale that has a
 * real abbreviation for the zone at that instant wins; with none, the offset ("GMT+9" for Seoul) is shown.
 */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-IE', 'en-SG', 'en-HK', 'en-ZA', 'ja-JP'];
const ABBREVIATION = /^[A-Z]{2,5}$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows (canonical or alias: "Europe/Kiev" as well as "Europe/Kyiv"). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's abbreviation at that instant ("BST", "GMT", "EDT", "JST"), else its offset ("GMT+9"). */
export function timeZoneAbbreviation(instant: Date, timeZone: string): string {
  let offset = '';
  for (const locale of ABBREVIATION_LOCALES) {
    const name = part(formatter(locale, timeZone, { timeZoneName: 'short' }).formatToParts(instant), 'timeZoneName');
    if (ABBREVIATION.test(name)) return name;
    if (!offset && locale === 'en-GB') offset = name;
  }
  return offset;
}

const DATE_AND_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/**
 * "Sat 21 Jun 2026, 19:30 BST": the wall-clock time at the venue with the abbreviation in force then, right on both
 * sides of a daylight-saving change. Throws RangeError for an unknown zone or an invalid time.
 */
export function formatLocalTime(isoUtc: string | Date, timeZone: string): string {
  const instant = typeof isoUtc === 'string' ? new Date(isoUtc) : isoUtc;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a time: ${String(isoUtc)}`);
  const parts = formatter('en-US', timeZone, DATE_AND_TIME).formatToParts(instant);
  const [weekday, day, month, year, hour, minute] = (['weekday', 'day', 'month', 'year', 'hour', 'minute'] as const).map((t) => part(parts, t));
  return `${weekday} ${day} ${month} ${year}, ${hour}:${minute} ${timeZoneAbbreviation(instant, timeZone)}`;
}

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? '';
}

const NUMERIC: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
};

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetMs(instantMs: number, timeZone: string): number {
  const parts = formatter('en-US', timeZone, NUMERIC).formatToParts(new Date(instantMs));
  const n = (t: Intl.DateTimeFormatPartTypes) => Number(part(parts, t));
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(instantMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The UTC instant of a wall-clock time at the venue ("2026-06-21T19:30" in Europe/London → 2026-06-21T18:30:00.000Z),
 * for forms that ask for the local start. A time skipped by a spring-forward change is read with the offset before it
 * (01:30 on the night London skips 01:00–02:00 → 01:30 UTC, shown 02:30 BST); a time that happens twice (the
 * autumn change) is the first of the two.
 */
export function localTimeToUtc(localDateTime: string, timeZone: string): string {
  const m = LOCAL_DATE_TIME.exec(localDateTime);
  if (!m) throw new RangeError(`not a local date and time (YYYY-MM-DDTHH:mm): ${localDateTime}`);
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw new RangeError(`no such date or time: ${localDateTime}`);
  // Zones change offset at most once within a day: the offsets a day either side are the only candidates. An instant
  // that reads back as this wall time is an answer (two in an overlap: the earlier); none means a gap.
  const candidates = [offsetMs(wall - DAY_MS, timeZone), offsetMs(wall + DAY_MS, timeZone)].map((o) => wall - o);
  const exact = candidates.filter((t) => offsetMs(t, timeZone) === wall - t).sort((a, b) => a - b);
  return new Date(exact[0] ?? candidates[0]!).toISOString();
}
