import { formatLocalTime } from '@ticketing/common/time';

const DAY_FORMAT: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** "Fri 11 Dec, 19:30": a delivery deadline at the venue's clock (the seller plans around the event, not their own zone). */
export function deadlineAt(iso: string, timeZone: string | null | undefined): string {
  const zone = timeZone ?? 'UTC';
  const parts = new Intl.DateTimeFormat('en-US', { ...DAY_FORMAT, timeZone: zone }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')}, ${part('hour')}:${part('minute')}`;
}

/** The full date with the venue's zone, for the buyer ("Fri 11 Dec 2026, 19:30 GMT"). */
export function deadlineFull(iso: string, timeZone: string | null | undefined): string {
  return formatLocalTime(iso, timeZone ?? 'UTC');
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2 days left", "5 hours left", "12 minutes left", "less than a minute left", or "deadline passed". */
export function timeLeft(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return 'deadline passed';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} left`;
  if (ms >= 2 * DAY) return plural(Math.floor(ms / DAY), 'day');
  if (ms >= 2 * HOUR) return plural(Math.floor(ms / HOUR), 'hour');
  if (ms >= MINUTE) return plural(Math.floor(ms / MINUTE), 'minute');
  return 'less than a minute left';
}

/** Under a day to go: the page marks it urgent. */
export function isUrgent(iso: string, now: number): boolean {
  return Date.parse(iso) - now < DAY;
}
