import { localTimeToUtc } from '@ticketing/common/time';
import type { ApiFailure, EventInput } from './api-types';

/** The admin form's inputs and the API fields they become (the API's errors name the latter). */
export const EVENT_FIELDS = [
  { api: 'name', input: 'name', label: 'Event name' },
  { api: 'category', input: 'category', label: 'Category' },
  { api: 'venue.name', input: 'venueName', label: 'Venue' },
  { api: 'venue.city', input: 'venueCity', label: 'City' },
  { api: 'venue.country', input: 'venueCountry', label: 'Country' },
  { api: 'timeZone', input: 'timeZone', label: 'Time zone' },
  { api: 'startsAt', input: 'startsAt', label: 'Starts (local time at the venue)' },
] as const;

export type EventFormInput = (typeof EVENT_FIELDS)[number]['input'];

/**
 * The UTC instant of the local date and time in the zone, or what was typed when that cannot be worked out (no zone
 * yet, an unfinished date): the API then rejects it beside the field, as it does every other mistake.
 */
export function startsAtFor(localDateTime: string, timeZone: string): string {
  try {
    return localTimeToUtc(localDateTime, timeZone);
  } catch {
    return localDateTime;
  }
}

export function eventInputFrom(values: Record<EventFormInput, string>): EventInput {
  return {
    name: values.name.trim(),
    category: values.category,
    venue: { name: values.venueName.trim(), city: values.venueCity.trim(), country: values.venueCountry },
    timeZone: values.timeZone,
    startsAt: startsAtFor(values.startsAt, values.timeZone),
  };
}

/**
 * The API's messages, keyed by the form's inputs, in the form's words: "venue.city must be…" reads "City must be…".
 * The start is typed as a local date and time, so the API's remark about ISO-8601 offsets would only confuse.
 */
export function eventFieldErrors(failure: ApiFailure | null): Partial<Record<EventFormInput, string>> {
  const out: Partial<Record<EventFormInput, string>> = {};
  for (const error of failure?.errors ?? []) {
    const field = EVENT_FIELDS.find((f) => f.api === error.field);
    if (!field || out[field.input]) continue;
    out[field.input] =
      field.api === 'startsAt'
        ? 'Choose a date and time in the future, at most 5 years ahead.'
        : error.message.startsWith(`${field.api} `)
          ? `${field.label.replace(/ \(.*\)$/, '')}${error.message.slice(field.api.length)}`
          : error.message;
  }
  return out;
}

/** Messages not tied to an input of the form (a lost race, a cancelled event), shown above it. */
export function eventFormErrors(failure: ApiFailure | null): string[] {
  const known: readonly string[] = EVENT_FIELDS.map((f) => f.api);
  return (failure?.errors ?? []).filter((e) => !e.field || !known.includes(e.field)).map((e) => e.message);
}

const inputFormats = new Map<string, Intl.DateTimeFormat>();

/** The instant as a `datetime-local` value ("2026-06-21T19:30") on the venue's clock. */
export function localInputValue(isoUtc: string, timeZone: string): string {
  let f = inputFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    inputFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(isoUtc));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
