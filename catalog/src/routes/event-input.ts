import { body, type ValidationChain } from 'express-validator';
import { EventCategory } from '@ticketing/common';
import { isTimeZone } from '@ticketing/common/time';
import type { EventChanges } from '../domain/events';

const MAX_YEARS_AHEAD = 5;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const regions = new Intl.DisplayNames(['en'], { type: 'region' });
/** CLDR names these, but they are groupings, aliases or user-assigned, not ISO 3166-1 countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'UK', 'FX', 'QO', 'ZZ', 'AA']);

/** An ISO 3166-1 alpha-2 code of a real country or territory (XK, Kosovo, is accepted as it is in common use). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code) || (code.startsWith('X') && code !== 'XK') || /^Q[M-Z]$/.test(code)) return false;
  const name = regions.of(code);
  return name !== undefined && name !== code;
}

/** The zone's name as the runtime spells it ("europe/london" → "Europe/London"). */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

const text = (field: string, max: number, what: string) =>
  body(field)
    .isString()
    .withMessage(`${what} must be text of 1 to ${max} characters`)
    .bail()
    .trim()
    .isLength({ min: 1, max })
    .withMessage(`${what} must be text of 1 to ${max} characters`);

const startsAtMessage = `startsAt must be an ISO-8601 time with its offset (2026-06-21T18:30:00Z), in the future and at most ${MAX_YEARS_AHEAD} years ahead`;

/**
 * The event fields of POST (all required) and PUT (each optional, `venue` partly). Values come out normalised:
 * trimmed text, upper-case country, the zone's canonical spelling, startsAt as a Date.
 */
export function eventFieldChains(required: boolean): ValidationChain[] {
  const maybe = (chain: ValidationChain) => (required ? chain : chain.optional());
  return [
    maybe(text('name', 200, 'name')),
    maybe(body('category').isIn(EventCategory.options).withMessage(`category must be one of ${EventCategory.options.join(', ')}`)),
    maybe(body('venue').isObject().withMessage('venue must be an object: {name, city, country}')),
    maybe(text('venue.name', 200, 'venue.name')),
    maybe(text('venue.city', 100, 'venue.city')),
    maybe(
      body('venue.country')
        .isString()
        .bail()
        .trim()
        .toUpperCase()
        .custom(isCountryCode)
        .withMessage('venue.country must be an ISO 3166-1 alpha-2 country code (GB, US, DE...)'),
    ),
    maybe(
      body('timeZone')
        .custom(isTimeZone)
        .withMessage('timeZone must be an IANA time zone (Europe/London, America/New_York...)')
        .bail()
        .customSanitizer(canonicalTimeZone),
    ),
    maybe(
      body('startsAt')
        .custom((v) => {
          if (typeof v !== 'string' || !INSTANT.test(v)) return false;
          const at = Date.parse(v);
          return at > Date.now() && at < Date.now() + MAX_YEARS_AHEAD * 366 * 86_400_000;
        })
        .withMessage(startsAtMessage),
    ),
  ];
}

/** The edit's own fields: the version the admin saw (optional), and no status (cancelling has its own route). */
export const editOnlyChains: ValidationChain[] = [
  body('version').optional().isInt({ min: 0 }).withMessage('version must be the version of the event you edited (a whole number)').toInt(),
  body('status').not().exists().withMessage('status changes only by POST /api/events/:id/cancel'),
];

interface EventBody {
  name?: string;
  category?: EventCategory;
  venue?: { name?: string; city?: string; country?: string };
  timeZone?: string;
  startsAt?: string;
}

/** The validated body as the domain's fields (absent ones stay undefined). */
export function eventChangesOf(b: EventBody): EventChanges {
  return {
    name: b.name,
    category: b.category,
    venueName: b.venue?.name,
    venueCity: b.venue?.city,
    venueCountry: b.venue?.country,
    timeZone: b.timeZone,
    startsAt: b.startsAt === undefined ? undefined : new Date(b.startsAt),
  };
}

/** Whether a PUT body names anything to change. */
export function changesSomething(c: EventChanges): boolean {
  return Object.values(c).some((v) => v !== undefined);
}
