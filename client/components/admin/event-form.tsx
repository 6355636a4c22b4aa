'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { formatLocalTime } from '@ticketing/common/time';
import type { ApiFailure, CatalogEvent } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { eventFieldErrors, eventFormErrors, eventInputFrom, EVENT_FIELDS, localInputValue, startsAtFor, type EventFormInput } from '@/lib/event-form';
import { CATEGORIES } from '@/lib/events';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';
import { FormAlert, FormField, SelectField } from '../form-field';

interface Option {
  value: string;
  label: string;
}

const CATEGORY_OPTIONS = CATEGORIES.map((c) => ({ value: c.value, label: c.label }));

/** What the venue's clock will read, or nothing while the date, time or zone is incomplete. */
function preview(local: string, timeZone: string): string | null {
  if (!local || !timeZone) return null;
  const utc = startsAtFor(local, timeZone);
  if (utc === local) return null;
  return `${formatLocalTime(utc, timeZone)} · ${utc.slice(11, 16)} UTC`;
}

/**
 * Create (no event) or edit (an event still scheduled) an event. The start is asked as the venue's local date and
 * time in its zone and sent to the API in UTC. The API validates; its messages appear beside the fields.
 */
export function EventForm({ event, timeZones, countries }: { event?: CatalogEvent; timeZones: Option[]; countries: Option[] }) {
  const router = useRouter();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  // Inputs changed since the API's answer: their old message would now be about a value no longer there.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const [timeZone, setTimeZone] = useState(event?.timeZone ?? '');
  const [local, setLocal] = useState(event ? localInputValue(event.startsAt, event.timeZone) : '');
  const formRef = useFocusFirstInvalid(failure);

  // A new event starts in the admin's own zone, a guess they can change; only known after hydration.
  useEffect(() => {
    if (event) return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setTimeZone((chosen) => chosen || (timeZones.some((z) => z.value === own) ? own : ''));
  }, [event, timeZones]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = Object.fromEntries(EVENT_FIELDS.map((f) => [f.input, String(form.get(f.input) ?? '')])) as Record<EventFormInput, string>;
    const body = eventInputFrom(values);
    setBusy(true);
    setEdited(new Set());
    const result = event
      ? await api<CatalogEvent>('PUT', `/api/events/${event.id}`, { ...body, version: event.version })
      : await api<CatalogEvent>('POST', '/api/events', body);
    if (!result.ok) {
      setFailure(result);
      setBusy(false);
      return;
    }
    router.push(`/events/${result.data.id}`);
    router.refresh();
  }

  const errors = Object.fromEntries(Object.entries(eventFieldErrors(failure)).filter(([input]) => !edited.has(input))) as ReturnType<typeof eventFieldErrors>;
  const when = preview(local, timeZone);
  return (
    <form
      ref={formRef}
      className="card form event-form"
      onSubmit={submit}
      onChange={(e) => {
        const { name } = e.nativeEvent.target as HTMLInputElement | HTMLSelectElement;
        if (failure && !edited.has(name)) setEdited(new Set(edited).add(name));
      }}
      noValidate
      aria-busy={busy}
    >
      <FormAlert messages={eventFormErrors(failure)} />
      <FormField name="name" label="Event name" defaultValue={event?.name} maxLength={200} required autoComplete="off" placeholder="e.g. Arctic Monkeys: The Car Tour" error={errors.name} />
      <div className="form-row">
        <SelectField name="category" label="Category" options={CATEGORY_OPTIONS} defaultValue={event?.category ?? ''} placeholder="Choose a category" required error={errors.category} />
        <FormField name="venueName" label="Venue" defaultValue={event?.venue.name} maxLength={200} required autoComplete="off" placeholder="e.g. Wembley Stadium" error={errors.venueName} />
      </div>
      <div className="form-row">
        <FormField name="venueCity" label="City" defaultValue={event?.venue.city} maxLength={100} required autoComplete="off" placeholder="e.g. London" error={errors.venueCity} />
        <SelectField name="venueCountry" label="Country" options={countries} defaultValue={event?.venue.country ?? ''} placeholder="Choose a country" required error={errors.venueCountry} />
      </div>
      <div className="form-row">
        <SelectField
          name="timeZone"
          label="Time zone"
          options={timeZones}
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          placeholder="Choose the venue’s time zone"
          required
          error={errors.timeZone}
        />
        <FormField
          name="startsAt"
          label="Starts (local time at the venue)"
          type="datetime-local"
          value={local}
          onChange={(e) => setLocal(e.target.value)}
          required
          hint={when ? <>Shown to buyers as {when}</> : 'The date and time on the venue’s clock.'}
          error={errors.startsAt}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : event ? 'Save changes' : 'Create event'}
        </button>
        <Link href="/admin/events" className="button button-ghost">
          Back to events
        </Link>
      </div>
    </form>
  );
}
